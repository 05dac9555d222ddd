def commit_progress(env, processed, remaining):
    """Commit a batch of a scheduled action and say how much time is left.

    Run by the scheduler (``ir_cron_progress_id`` in the context), the batch is committed and
    logged as Odoo's crons do; run by hand or from a test, nothing is committed here, and the
    whole run commits (or rolls back) with its request.
    """
    if env.context.get("ir_cron_progress_id"):
        return env["ir.cron"]._commit_progress(processed, remaining=remaining)
    return float("inf")


def in_batches(records, size, action, domain=None):
    """Run ``action`` on ``records`` by batches of ``size``, each one committed (see
    ``commit_progress``). With ``domain``, a batch is first locked, rows locked by another
    transaction being left to the next run, and checked again against ``domain``, so that a
    rerun or a manual run at the same time never acts twice on a record.

    Returns False when the scheduler says to stop (time is up), True otherwise.
    """
    for start in range(0, len(records), size):
        batch = records[start : start + size]
        if domain is not None:
            batch = batch.try_lock_for_update().filtered_domain(domain)
        if batch:
            action(batch)
        if not commit_progress(records.env, len(batch), max(len(records) - start - size, 0)):
            return False
    return True
