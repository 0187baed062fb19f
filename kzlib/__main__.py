from kzlib.cli import main

raise SystemExit(main())
