-- The search by given name (GET /persons?givenName=…), without regard to case as the family name.
CREATE INDEX persons_given_name ON persons (lower(given_name));
