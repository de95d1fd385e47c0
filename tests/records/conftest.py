import datetime as dt

TODAY = dt.date(2026, 11, 21)
