"""Organizations and people: the organization tree, members, memberships, Party roles and posts."""
