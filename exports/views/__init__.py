"""Staff pages of exports: `candidates` (the ranked list), `eligibility` (a vehicle's market
matrix) and `shipments` (the list, a new shipment, and the shipment page with its actions)."""
