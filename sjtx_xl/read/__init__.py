"""Reading filled workbooks: file -> raw values by field id (see reader.py)."""
