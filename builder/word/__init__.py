"""Word (.docx) adapters: the reader of county reports (``read*.py``) and the writers."""
