"""Official Party documents (Hướng dẫn 36-HD/VPTW): the facts and their DOCX, PDF, Markdown forms.

Renderers take an `OfficialDocument` built by a selector and never touch the database.
"""
