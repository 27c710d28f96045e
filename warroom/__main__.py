"""Allow `python -m warroom`."""

from warroom.entry import main

raise SystemExit(main())
