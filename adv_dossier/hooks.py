DEFAULT_ALIAS = "devis"


def post_init_hook(env):
    """Give the main company the dossier alias ``devis@`` when that name is free."""
    company = env.ref("base.main_company", raise_if_not_found=False)
    if not company or company.adv_dossier_alias_id:
        return
    taken = (
        env["mail.alias"]
        .sudo()
        .search_count(
            [
                ("alias_name", "=", DEFAULT_ALIAS),
                ("alias_domain_id", "=", company.alias_domain_id.id),
            ]
        )
    )
    if not taken:
        company._adv_set_dossier_alias(DEFAULT_ALIAS)
