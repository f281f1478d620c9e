"""The command line: Typer only. Heavy modules are imported inside commands, never here."""
