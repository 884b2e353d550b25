import gc
import sys

gc.disable()  # while the command's modules are imported (``cli.common.imported`` turns it on again)

from recommendations.cli import main  # noqa: E402

code = main()
# The interpreter's last collections walk every object a command made (0.1 s of a 1.7 s load at 1,000
# recommendations); the process is ending, so they are skipped. Objects still free when their count falls to zero.
gc.freeze()
sys.exit(code)
