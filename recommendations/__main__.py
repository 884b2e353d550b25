import sys

from recommendations.cli import main

sys.exit(main())
