"""Word (.docx) adapters: the reader of county reports (``read*.py``) and the writer of
the office's editable copies of the 通报 and feedback letters (:mod:`builder.word.official`)."""
