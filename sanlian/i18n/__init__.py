"""Every sentence and label a user reads. Enumerations are ASCII keys with Chinese labels."""
