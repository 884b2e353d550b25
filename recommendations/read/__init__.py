"""The read side: what pages, exports, the brief and the API show, as plain data and DataFrames."""
