"""The engine: compiles an agreement into a plan of vectorised kernels and runs it."""
