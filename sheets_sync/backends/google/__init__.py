"""Google Sheets backend: real gspread + google-auth, economical and quota-aware."""
