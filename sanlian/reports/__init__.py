"""Reports: data first (frozen dataclasses counted by SQL aggregates), then renderers.

Nothing here prints; the CLI (``sanlian.cli.reports``) and the file writers
(``sanlian.io.report_xlsx``, ``sanlian.io.report_docx``) render what these modules return.

- :mod:`.common`     the period counted, the tables, shared SQL conditions
- :mod:`.figures`    the self-inspection figures of DESIGN.md, in total and per section
- :mod:`.ledgers`    per-cadre matrix, problem and visit ledgers, resolved-problem examples
- :mod:`.progress`   phase checklists and the per-section / per-cadre progress tables
- :mod:`.supervise`  调度督促: what lags and who must act, most urgent first
- :mod:`.brief`      简报 for a period, with its markdown rendering
"""
