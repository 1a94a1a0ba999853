"""archive: digitise and govern a property-management company's customer archive."""
