"""Official documents in Party format, the year-end report and the news item."""
