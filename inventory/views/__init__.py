"""Staff pages of inventory, one module per part of the site: `vehicles` (the list, CSV,
vehicle page, receive and edit, status, papers, dealer switcher), `vehicle_page` (the vehicle
page's reprice, photos and reservation), `floor_plan`, `inspections`.

`base` holds what every staff page shares (the `staff_view` decorator, the dealer scope it
enforces, the refusal messages) and `lists` the declared list pattern; the exports pages use
both.
"""
