import sys

from voc.cli.commands import main

sys.exit(main())
