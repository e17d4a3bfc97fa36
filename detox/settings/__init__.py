"""Settings: ``base`` plus thin overlays ``local`` (embedded default), ``test``, ``production``."""
