"""`python -m simshot`: the same command line as the `simshot` console script."""
import sys

from simshot.cli import main

sys.exit(main())
