"""What many tests share: people signed in as the pages sign them in, catalogue entries,
evidence files. Test modules import from here, never from one another."""
