"""``python -m geokobling.demo [folder]``: regenerate the demo files (default ``grunnkretser/demo``)."""

from ._region import main

raise SystemExit(main())
