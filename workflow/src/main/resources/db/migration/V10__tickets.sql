-- What pimflow knows of each ticket from tickets.events (DESIGN §9.2): open or closed, title, priority, when, and its
-- assignees (Entra object ids, the full list of the last ticket.opened or ticket.assigned). closed_ticket (V2) stays
-- the record of closures that validation reads; a ticket.reopened removes its row there.
CREATE TABLE ticket (
    ticket_system  VARCHAR(100)  NOT NULL,
    ticket_number  VARCHAR(100)  NOT NULL,
    state          VARCHAR(10)   NOT NULL,
    title          VARCHAR(500),
    priority       VARCHAR(40),
    opened_at      TIMESTAMP WITH TIME ZONE,
    assigned_at    TIMESTAMP WITH TIME ZONE,
    closed_at      TIMESTAMP WITH TIME ZONE,
    reopened_at    TIMESTAMP WITH TIME ZONE,
    last_event_id  VARCHAR(200)  NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (ticket_system, ticket_number)
);

CREATE TABLE ticket_assignee (
    ticket_system  VARCHAR(100)  NOT NULL,
    ticket_number  VARCHAR(100)  NOT NULL,
    principal_id   VARCHAR(36)   NOT NULL,
    PRIMARY KEY (ticket_system, ticket_number, principal_id)
);
