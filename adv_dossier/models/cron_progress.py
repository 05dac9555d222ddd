def commit_progress(env, processed, remaining):
    """Commit a batch of a scheduled action and say how much time is left.

    Run by the scheduler (``ir_cron_progress_id`` in the context), the batch is committed and
    logged as Odoo's crons do; run by hand or from a test, nothing is committed here, and the
    whole run commits (or rolls back) with its request.
    """
    if env.context.get("ir_cron_progress_id"):
        return env["ir.cron"]._commit_progress(processed, remaining=remaining)
    return float("inf")
