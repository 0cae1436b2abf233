"""Third-party code kept in the package, each file with its licence and the reason it is vendored."""
