"""Human pages served by the same app: workflows, tasks, the digest as charts, kickout downloads."""
