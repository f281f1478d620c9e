from sanlian.cli.main import run

run()
