"""PyTorch trainer for the VGAN playground: the same networks, data, losses and weights format as src/."""
