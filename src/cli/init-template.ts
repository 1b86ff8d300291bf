/** The starting configuration `gig init` writes. Every key is explained in README.md. */
export const INIT_TEMPLATE = `# gig configuration. Relative paths start at this file.
# Ticket prefixes gig should recognise; leave out to accept any ABC-123 style id.
projects: [ABC]   # replace with your ticket prefixes
# ticketPattern: "[A-Z][A-Z0-9]+-[0-9]+"

# The promotion chain, in order, and the branch that holds each environment.
environments:
  - { name: dev,  branch: develop }
  - { name: qa,   branch: test }
  - { name: uat,  branch: uat }
  - { name: prod, branch: main }

# Each repository: a local clone (path) or a url gig mirrors into .gig/mirrors.
# A repository whose branch differs for an environment overrides it under "branches".
repositories:
  - { name: my-service, path: ../my-service }
  # - { name: web-ui, url: git@example.com:team/web-ui.git, branches: { dev: dev } }
`;
