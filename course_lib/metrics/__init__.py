"""A broker's own metrics, read over HTTP from the JMX exporter each broker of the course cluster runs (lesson 22)."""
