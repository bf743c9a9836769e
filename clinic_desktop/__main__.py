from clinic_desktop.cli import main

raise SystemExit(main())
