"""Demo and benchmark data: a living demo network and bulk synthetic filings.

network   `build_demo(db)`: about 30 suppliers and 5 recipients filing month by month from
          Oct 2024 to Jan 2026 through the use cases, so everything passes gstims' own checks
generate  `generate(db, ...)`: a lakh of realistic GSTR-1 records straight into the database
"""
