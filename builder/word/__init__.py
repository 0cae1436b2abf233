"""Word (.docx) adapters: the editable office copies of the 通报 and feedback letters
(:mod:`builder.word.official`)."""
