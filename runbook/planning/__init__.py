"""The compiled plan as plain data, the critical-path method (networkx stays here), Monte Carlo."""
