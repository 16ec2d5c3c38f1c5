"""`python -m dashboard.publish --figur … --out …` (see dashboard/publish/cli.py)."""
from dashboard.publish.cli import main

main()
