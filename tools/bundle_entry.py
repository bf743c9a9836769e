"""Entry point of the PyInstaller bundle: the same CLI, which opens the GUI with no command."""

import sys

from clinic_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
