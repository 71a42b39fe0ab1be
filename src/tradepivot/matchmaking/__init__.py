"""B2B matchmaking: events as data, explainable scores, an optimising scheduler, agendas."""
