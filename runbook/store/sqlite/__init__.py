"""The SQLite store, one state file per weekend: its schema and migrations (``schema``), the
look at a file that cannot change it (``look``), the damage found before anything may write
(``check``), and the store itself (``store``)."""
