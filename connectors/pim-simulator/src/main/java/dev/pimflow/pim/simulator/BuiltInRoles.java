package dev.pimflow.pim.simulator;

import dev.pimflow.contracts.seed.TutorialTenant;
import java.util.List;

/** The built-in directory roles the simulator knows (template ids from the spec, section 10). */
final class BuiltInRoles {

    record Role(String id, String displayName, String description) {}

    static final String GLOBAL_ADMINISTRATOR = TutorialTenant.GLOBAL_ADMINISTRATOR_ROLE_ID;
    static final String PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814";
    static final String USER_ADMINISTRATOR = TutorialTenant.USER_ADMINISTRATOR_ROLE_ID;
    static final String PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";

    static final List<Role> ALL = List.of(
            new Role(
                    USER_ADMINISTRATOR,
                    "User Administrator",
                    "Can manage all aspects of users and groups, including resetting passwords for limited admins."),
            new Role(
                    GLOBAL_ADMINISTRATOR,
                    "Global Administrator",
                    "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities."),
            new Role(
                    PRIVILEGED_ROLE_ADMINISTRATOR,
                    "Privileged Role Administrator",
                    "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management."),
            new Role(
                    "729827e3-9c14-49f7-bb1b-9608f156bbb8",
                    "Helpdesk Administrator",
                    "Can reset passwords for non-administrators and Helpdesk Administrators."),
            new Role(
                    "194ae4cb-b126-40b2-bd5b-6091b380977d",
                    "Security Administrator",
                    "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365."),
            new Role(
                    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
                    "Global Reader",
                    "Can read everything that a Global Administrator can, but not update anything."),
            new Role(
                    "5d6b6bb7-de71-4623-b4af-96380a352509",
                    "Security Reader",
                    "Can read security information and reports in Microsoft Entra ID and Office 365."),
            new Role(
                    "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f",
                    "Security Operator",
                    "Creates and manages security events."),
            new Role(
                    "fdd7a751-b60b-444a-984c-02652fe8fa1c",
                    "Groups Administrator",
                    "Members of this role can create/manage groups, create/manage groups settings like naming and expiration policies, and view groups activity and audit reports."),
            new Role(
                    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
                    "Application Administrator",
                    "Can create and manage all aspects of app registrations and enterprise apps."),
            new Role(
                    "158c047a-c907-4556-b7ef-446551a6b5f7",
                    "Cloud Application Administrator",
                    "Can create and manage all aspects of app registrations and enterprise apps except App Proxy."),
            new Role(
                    "c4e39bd9-1100-46d3-8c65-fb160da0071f",
                    "Authentication Administrator",
                    "Can access to view, set and reset authentication method information for any non-admin user."),
            new Role(
                    PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
                    "Privileged Authentication Administrator",
                    "Can access to view, set and reset authentication method information for any user (admin or non-admin)."),
            new Role(
                    "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
                    "Conditional Access Administrator",
                    "Can manage Conditional Access capabilities."),
            new Role(
                    "29232cdf-9323-42fd-ade2-1d097af3e4de",
                    "Exchange Administrator",
                    "Can manage all aspects of the Exchange product."),
            new Role(
                    "31392ffb-586c-42d1-9346-e59415a2cc4e",
                    "Exchange Recipient Administrator",
                    "Can create or update Exchange Online recipients within the Exchange Online organization."),
            new Role(
                    "45d8d3c5-c802-45c6-b32a-1d70b5e1e86e",
                    "Identity Governance Administrator",
                    "Manage access using Microsoft Entra ID for identity governance scenarios."),
            new Role(
                    "8424c6f0-a189-499e-bbd0-26c1753c96d4",
                    "Attribute Definition Administrator",
                    "Define and manage the definition of custom security attributes."),
            new Role(
                    "58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d",
                    "Attribute Assignment Administrator",
                    "Assign custom security attribute keys and values to supported Microsoft Entra objects."),
            new Role(
                    "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
                    "Directory Readers",
                    "Can read basic directory information. Commonly used to grant directory read access to applications and guests."));

    private BuiltInRoles() {}
}
