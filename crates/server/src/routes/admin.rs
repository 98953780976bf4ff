//! Administration: staff accounts and the audit trail. Administrators only.

use std::collections::BTreeMap;

use actix_web::{get, http::header, patch, post, web, HttpResponse};
use serde::Deserialize;
use solidarites_api_types::{
    AdminUserListResponse, AdminUserResponse, AuditEntryResponse, AuditPageResponse,
    CreateUserRequest, PasswordLinkResponse, UpdateUserRequest,
};
use solidarites_domain::time;

use super::paging::{paging_or_422, PageQuery};
use crate::{
    auth::{self, NewAccount, Role, StaffUser},
    error::{ApiError, ErrorCode},
    ids::UserId,
    json_body::ApiJson,
    services::accounts::{self, LinkToStore},
    state::AppState,
    storage::{
        self,
        audit::AuditFilter,
        users::{CreateUserError, NewUser, StoredUser, UpdateUserError, UserChanges},
    },
};

/// Lines per page (accounts, audit trail) unless asked otherwise, and at most.
const DEFAULT_PER_PAGE: u64 = 50;
const MAX_PER_PAGE: u64 = 200;

fn to_response(user: &StoredUser) -> AdminUserResponse {
    AdminUserResponse {
        id: user.id.to_string(),
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        role: user.role.as_str().to_owned(),
        disabled: user.disabled,
        locked: user.is_locked(chrono::Utc::now()),
        created_at: user.created_at.to_rfc3339(),
        updated_at: user.updated_at.to_rfc3339(),
        set_password_path: None,
        set_password_expires_at: None,
    }
}

/// A new one-time link: the token (for the path, shown once) and its stored hash.
struct NewLink {
    path: String,
    hash: String,
    now: chrono::DateTime<chrono::Utc>,
    expires_at: chrono::DateTime<chrono::Utc>,
}

impl NewLink {
    fn to_store(&self) -> LinkToStore<'_> {
        LinkToStore {
            token_hash: &self.hash,
            issued_at: self.now,
            expires_at: self.expires_at,
        }
    }
}

fn new_link() -> NewLink {
    let token = auth::new_token();
    let now = chrono::Utc::now();
    NewLink {
        path: format!("{}{token}", auth::SET_PASSWORD_PATH),
        hash: auth::session_id_of(&token),
        now,
        expires_at: now + auth::SET_PASSWORD_LINK_LIFETIME,
    }
}

/// Staff accounts sorted by email, one page at a time (50 by default, at most 200).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", params(PageQuery),
    responses((status = 200, body = AdminUserListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/users")]
#[tracing::instrument(skip_all)]
pub async fn list_users(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let paging = paging_or_422(
        query.page.as_deref(),
        query.per_page.as_deref(),
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
    )?;
    let (users, total) = storage::users::page(&state.db, paging.offset(), paging.per_page).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(AdminUserListResponse {
            users: users.iter().map(to_response).collect(),
            page: paging.page,
            per_page: paging.per_page,
            total,
        }))
}

/// Creates a staff account (audited as `user.create`), either with its initial password
/// or, with `set_password_link`, with a one-time link (72 h, audited as
/// `user.password_link`) through which its holder chooses the password.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", request_body = CreateUserRequest,
    responses((status = 201, body = AdminUserResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse, description = "email_taken"),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/users")]
#[tracing::instrument(skip_all)]
pub async fn create_user(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let invalid = |fields| ApiError::Validation {
        code: ErrorCode::InvalidUser,
        message: "Le compte ne peut pas être créé : corrigez les champs signalés.".to_owned(),
        fields,
    };
    // With a link, the account gets a random password nobody knows until the link is used.
    let password = if body.set_password_link {
        if !body.password.is_empty() {
            let mut fields = BTreeMap::new();
            fields.insert(
                "password".to_owned(),
                "Laissez le mot de passe vide : la personne le choisira avec le lien.".to_owned(),
            );
            return Err(invalid(fields));
        }
        auth::new_token()
    } else {
        body.password.clone()
    };
    let account = NewAccount::parse(&body.email, &body.display_name, &body.role, &password)
        .map_err(invalid)?;
    let password_hash = auth::hash_password(account.password)
        .await
        .map_err(ApiError::internal)?;
    let new = NewUser {
        email: account.email,
        display_name: account.display_name,
        role: account.role,
        password_hash,
    };
    // The account and its link commit together.
    let link = body.set_password_link.then(new_link);
    let to_store = link.as_ref().map(NewLink::to_store);
    let user = match accounts::create(&state.db, &staff, new, to_store).await {
        Ok(user) => user,
        Err(CreateUserError::EmailTaken) => {
            return Err(ApiError::Conflict {
                code: ErrorCode::EmailTaken,
                message: "Un compte existe déjà avec cette adresse électronique.".to_owned(),
            })
        }
        Err(CreateUserError::Db(err)) => return Err(err.into()),
    };
    let mut response = to_response(&user);
    if let Some(link) = link {
        response.set_password_path = Some(link.path);
        response.set_password_expires_at = Some(link.expires_at.to_rfc3339());
    }
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(response))
}

/// A new one-time set-password link for an account (a forgotten password, a lost link):
/// its older unused links stop working; its password stays until the link is used.
/// Audited as `user.password_link`.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/password-link", tag = "admin",
    params(("id" = String, Path, description = "Account id (UUID)")),
    responses((status = 201, body = PasswordLinkResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse, description = "account_disabled")))]
#[post("/admin/users/{id}/password-link")]
#[tracing::instrument(skip_all)]
pub async fn create_password_link(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let not_found = || ApiError::NotFound("Aucun compte ne correspond à cet identifiant.".into());
    let id = super::parse_id(id.trim(), not_found)?;
    let user = storage::users::find_by_id(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    if user.disabled {
        return Err(ApiError::Conflict {
            code: ErrorCode::AccountDisabled,
            message: "Ce compte est désactivé : réactivez-le avant d'envoyer un lien.".to_owned(),
        });
    }
    let link = new_link();
    accounts::issue_link(&state.db, &staff, user.id, link.to_store()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PasswordLinkResponse {
            set_password_path: link.path,
            expires_at: link.expires_at.to_rfc3339(),
        }))
}

/// Changes the role, the display name or the disabled flag of an account (audited as
/// `user.update`). Administrators cannot disable or demote themselves.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin", request_body = UpdateUserRequest,
    params(("id" = String, Path, description = "Account id (UUID)")),
    responses((status = 200, body = AdminUserResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse, description = "self_lockout"),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[patch("/admin/users/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update_user(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let not_found = || ApiError::NotFound("Aucun compte ne correspond à cet identifiant.".into());
    let id: UserId = super::parse_id(id.trim(), not_found)?;
    let UpdateUserRequest {
        role,
        disabled,
        display_name,
    } = body.into_inner();
    let mut fields = BTreeMap::new();
    let role = role
        .map(|r| auth::parse_role(&r))
        .transpose()
        .map_err(|m| fields.insert("role".to_owned(), m))
        .ok()
        .flatten();
    let display_name = display_name
        .map(|n| auth::parse_display_name(&n))
        .transpose()
        .map_err(|m| fields.insert("display_name".to_owned(), m))
        .ok()
        .flatten();
    if !fields.is_empty() {
        return Err(ApiError::Validation {
            code: ErrorCode::InvalidUser,
            message: "Le compte ne peut pas être modifié : corrigez les champs signalés.".into(),
            fields,
        });
    }
    if id.uuid() == staff.id && (disabled == Some(true) || role.is_some_and(|r| r < Role::Admin)) {
        return Err(ApiError::Conflict {
            code: ErrorCode::SelfLockout,
            message: "Vous ne pouvez pas désactiver votre propre compte ni retirer votre rôle \
                      d'administrateur : demandez-le à un autre administrateur."
                .to_owned(),
        });
    }
    let changes = UserChanges {
        role,
        disabled,
        display_name,
    };
    match storage::users::update(&state.db, id, changes, Some(&staff), "user.update").await {
        Ok(user) => Ok(HttpResponse::Ok().json(to_response(&user))),
        Err(UpdateUserError::NotFound) => Err(not_found()),
        Err(UpdateUserError::Db(err)) => Err(err.into()),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// e.g. `user`, `initiative`.
    entity_type: Option<String>,
    entity_id: Option<String>,
    /// Account id (UUID) or email of whoever made the change.
    actor: Option<String>,
    /// An action (`user.update`), or a family of actions ending with a dot (`user.`).
    action: Option<String>,
    /// First day, `YYYY-MM-DD` (French time), included.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (French time), included.
    to: Option<String>,
    /// From 1 (default 1).
    page: Option<String>,
    /// 1 to 200 (default 50).
    per_page: Option<String>,
}

/// The audit trail, newest first, filtered (who, action, object, days) and paginated.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", params(AuditQuery),
    responses((status = 200, body = AuditPageResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/audit")]
#[tracing::instrument(skip_all)]
pub async fn list_audit(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let paging = paging_or_422(
        query.page.as_deref(),
        query.per_page.as_deref(),
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
    )?;
    let (page, per_page) = (paging.page, paging.per_page);
    let non_blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut bad = BTreeMap::new();
    let mut day = |name: &str, value: &Option<String>| {
        let text = non_blank(value)?;
        match chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                bad.insert(
                    name.to_owned(),
                    format!("« {text} » n'est pas une date AAAA-MM-JJ."),
                );
                None
            }
        }
    };
    let (from, to) = (day("from", &query.from), day("to", &query.to));
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            bad.insert(
                "to".to_owned(),
                "La date de fin doit suivre la date de début.".to_owned(),
            );
        }
    }
    if !bad.is_empty() {
        return Err(ApiError::Validation {
            code: ErrorCode::InvalidQuery,
            message: "Les filtres du journal sont invalides.".to_owned(),
            fields: bad,
        });
    }
    let filter = AuditFilter {
        entity_type: non_blank(&query.entity_type),
        entity_id: non_blank(&query.entity_id),
        actor: non_blank(&query.actor),
        action: non_blank(&query.action),
        since: from.map(time::paris_midnight),
        until: to.and_then(|d| d.succ_opt()).map(time::paris_midnight),
    };
    let (entries, total) = storage::audit::page(&state.db, &filter, page, per_page).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(AuditPageResponse {
            entries: entries
                .into_iter()
                .map(|e| AuditEntryResponse {
                    id: e.id,
                    at: e.at.to_rfc3339(),
                    actor_user_id: e.actor_user_id,
                    actor_email: e.actor_email,
                    action: e.action,
                    entity_type: e.entity_type,
                    entity_id: e.entity_id,
                    before: e.before,
                    after: e.after,
                })
                .collect(),
            page,
            per_page,
            total,
        }))
}
