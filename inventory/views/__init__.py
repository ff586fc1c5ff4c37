"""Staff pages of inventory, one module per part of the site: `vehicles` (the list, CSV,
vehicle page, receive and edit, status, papers, dealer switcher), `floor_plan`, `inspections`.

`base` holds what every staff page shares (the `staff_view` decorator, the dealer scope it
enforces, the refusal messages) and `lists` the declared list pattern; the exports pages use
both.
"""
