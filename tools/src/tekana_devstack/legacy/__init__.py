"""The old system's databases: their shape (``schema``), a fixture that plants every kind
of inconsistency real data holds (``fixture``), and the import onto Tekana (``importer``)."""
