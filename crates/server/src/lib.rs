//! vankien-server (being written).
