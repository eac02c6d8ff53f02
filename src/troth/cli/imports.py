"""troth import: bring a LinkedIn export, an address book, a calendar or mail in."""
