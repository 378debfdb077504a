"""The permission matrix's second dimension: which fields of every API serializer, and which
templates that render a person, each role may see. One declaration, read by
`test_field_matrix.py`, which checks it against the schema and the templates (a field or a
template without a declaration fails) and against real response bodies of every role.

Audiences, from the widest:
- SEEN: anyone who may see the object carrying the field;
- READER: who reads the object by a grant (a plain member sees only their own value: their card
  number, not a fellow member's);
- KEEPER: who writes the object's organization (the meeting's roll: absence reasons, suspended,
  prosecuted or detained), as the web shows it only on the pages that record it.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum
from typing import Any


class Audience(StrEnum):
    SEEN = "seen"
    READER = "reader"
    KEEPER = "keeper"


def seen(fields: str, *, reader: str = "", keeper: str = "") -> dict[str, Audience]:
    """A serializer's fields: the ones named in `fields` are SEEN, the others as named."""
    declared: dict[str, Audience] = {}
    for names, audience in (
        (fields, Audience.SEEN),
        (reader, Audience.READER),
        (keeper, Audience.KEEPER),
    ):
        for name in names.split():
            assert name not in declared, f"{name} declared twice"
            declared[name] = audience
    return declared


# Every component of the OpenAPI schema (a serializer) → its fields. A serializer or a field
# added without a line here fails `test_every_serializer_field_is_declared`.
API_FIELDS: dict[str, dict[str, Audience]] = {
    "AdjustInput": seen("candidate included achievement"),
    "AdoptionInput": seen("adopted_on adopted_at"),
    "Agenda": seen("id position title presenter presenter_title document_title program"),
    "AgendaInput": seen("title presenter presenter_title document_title program"),
    "AllPresentInput": seen("organization"),
    "Amendment": seen("number item summary reason decided_on before after"),
    "AppraisalInput": seen("comment grades points outcome"),
    "Assessment": seen(
        "id tier level not_classified_reason grades points comment author_label on_behalf "
        "created_at"
    ),
    # Self-assessments (issue 20): whoever sees the form sees it whole (the member, the readers
    # of their cell and above); the member's card number only to its readers (Person).
    "AnnexCounts": seen("total on_time late exceeded not_completed"),
    "AnnexTask": seen("title due_on done_on quality_ok exceeded"),
    "FormCriterion": seen("code title section max scored value"),
    "FormRemedy": seen("text state"),
    "FormRemedyOut": seen("text state state_label"),
    "FormReturnInput": seen("comment"),
    "FormScore": seen("general tasks total level level_label complete"),
    "PaginatedSelfAssessmentFormList": seen("count next previous results"),
    "PatchedSelfAssessmentDraftInput": seen(
        "strengths_politics strengths_ethics strengths_duties commitment shortcomings "
        "explanations responsibility direction remedies points proposed_level tasks"
    ),
    "SelfAssessmentForm": seen(
        "id evaluation year quarter form form_title member organization unit criteria_set "
        "appendix status status_label proposed_level return_comment entered_on_behalf "
        "entered_by_label submitted_at updated_at"
    ),
    "SelfAssessmentFormDetail": seen(
        "id evaluation year quarter form form_title member organization unit criteria_set "
        "appendix status status_label proposed_level return_comment entered_on_behalf "
        "entered_by_label submitted_at updated_at strengths_politics strengths_ethics "
        "strengths_duties commitment shortcomings explanations responsibility direction remedies "
        "criteria score tasks annex_counts can_write can_return"
    ),
    "SelfAssessmentStartInput": seen(
        "evaluation strengths_politics strengths_ethics strengths_duties commitment shortcomings "
        "explanations responsibility direction remedies points proposed_level tasks"
    ),
    "AttendanceInput": seen("member attendance reason"),
    # Accounts and grants: the endpoints answer only office administrators, within their subtrees.
    "Account": seen(
        "username full_name email active member home grants must_set_password require_totp"
    ),
    "AccountCreate": seen("username email member home password require_totp"),
    "BulkAccounts": seen("organization"),
    "Grant": seen(
        "id username organization organization_name role role_label valid_from valid_until "
        "revoked_at in_force"
    ),
    "GrantCreate": seen("username organization role valid_from valid_until"),
    "IssuedCode": seen("username full_name card_number organization code"),
    "PatchedAccountUpdate": seen("active member require_totp"),
    "Role": seen("code label abilities"),
    "SignInCode": seen("username sign_in_code sign_in_url"),
    "PaginatedAccountList": seen("count next previous results"),
    "PaginatedGrantList": seen("count next previous results"),
    "PaginatedIssuedCodeList": seen("count next previous results"),
    "Award": seen(
        "id year form form_name issuer issuer_name recipient_kind recipient recipient_name "
        "recipient_unit achievement decision decision_number decision_date corrected is_sample"
    ),
    "AwardForm": seen(
        "code name branch issuer_level issuer_level_label recipient_kind period citation verified"
    ),
    "AwardHandout": seen("text link"),
    "AwardInput": seen("text link"),
    "BodyCount": seen(
        "convened unmarked body_size present needed quorum_needed quorum_met quorum_rule "
        "quorum_citation findings"
    ),
    "BulkDecisionInput": seen("number date justification items"),
    "BulkDecisionItem": seen("evaluation outcome justification"),
    "BulkDecisionResult": seen("count results"),
    "BulkError": seen("error"),
    "BulkErrorDetail": seen("rule field message findings"),
    "Candidate": seen(
        "id recipient_kind recipient recipient_name unit level achievement eligible included "
        "findings checked_at"
    ),
    "Chair": seen("member title_at_time"),
    "ChairInput": seen("member title_at_time"),
    "ChildPlan": seen("id organization title"),
    "ClosingInput": seen("text"),
    "ConveneInput": seen("organizations"),
    "CorrectionInput": seen(
        "number date signer_title signer_name signer_on_behalf issuer_name reason"
    ),
    "Cycle": seen(
        "id organization organization_name year quarter profile_id params status status_label "
        "opened_at"
    ),
    "CycleOpen": seen("organization year quarter params"),
    "Decision": seen(
        "id issuer issuer_name number date year signer_on_behalf signer_title signer_name "
        "supersedes original correction_reason superseded_by in_force is_sample created_at"
    ),
    "DecisionInput": seen("number date signer_title signer_name signer_on_behalf issuer_name"),
    "Discussion": seen("id agenda_item speaker speaker_name summary"),
    "DiscussionInput": seen("summary speaker speaker_name agenda_item"),
    "Document": seen(
        "id organization organization_name kind kind_label year number number_text title summary "
        "date status status_label supersedes reason superseded_by formats created_at issued_at"
    ),
    "DocumentInput": seen(
        "organization kind year title date summary markdown docx pdf supersedes reason draft"
    ),
    "Error": seen("error"),
    "ErrorDetail": seen("rule field message findings"),
    "Evaluation": seen(
        "id cycle year quarter subject_kind subject_code subject_name unit assessments decision",
        # suspended, disciplined, leave, and the warnings accepted with the decision: only the
        # office that records them and decides
        keeper="facts findings",
    ),
    "FactsInput": seen(
        "civil_service_level degradation_concluded discipline_self_remedied disciplined disunity "
        "earlier_shortcomings_remedied exempted is_leader leadership_discipline maternity_leave "
        "peer_group same_level_bodies_level sick_leave_months suspended targets_assigned "
        "targets_force_majeure targets_met tasks_completed tasks_exceeded tasks_late "
        "tasks_on_time tasks_total temporary_cell temporary_cell_comment "
        # qd366, Điều 11.4 (issue 24, item 4)
        "discipline_form discipline_date discipline_duty_related discipline_unit "
        "prohibitions_breached confidence_votes low_confidence_votes corruption_under_management "
        "personnel_wrongdoing basic_targets_missed outside_political_system "
        "competent_justification"
    ),
    "EvaluationCorrectionInput": seen("outcome number date justification decision reason"),
    "EvaluationDecision": seen(
        "id kind number date deciding_body level not_classified_reason justification status "
        "supersedes reason decided_by_label created_at"
    ),
    "EvaluationDecisionInput": seen("outcome number date justification"),
    "Finding": seen("rule field message citation severity subject"),
    "FindingOut": seen("rule citation severity subject message"),
    "FlagsInput": seen("member exempted suspended prosecuted_or_detained"),
    "GenerateInput": seen("organization year form issuer"),
    "Guest": seen("name title"),
    "GuestInput": seen("name title"),
    "ItemCreateInput": seen(
        "reason on code content month quarter activity in_charge_text in_charge_organization "
        "in_charge_member subject_organizations subject_members program"
    ),
    "Meeting": seen(
        "id organization organization_name kind kind_label title held_on starts_at place status "
        "status_label convened present closed_at version"
    ),
    "MeetingCreateInput": seen("organization kind title held_on starts_at place"),
    "MeetingDetail": seen(
        "meeting chairs secretary secretary_title guests agenda "
        "attendance_by_organization attendance_totals count discussion votes handed_out_awards "
        "closing_directions can_write",
        keeper="participants",
    ),
    "Member": seen(
        "card_number full_name birth_date gender gender_label joined_on full_member_on status "
        "status_label organization version"
    ),
    "MemberWrite": seen(
        "card_number full_name gender joined_on organization status birth_date full_member_on "
        "version"
    ),
    "MonthProgress": seen("label counts total"),
    # The inbox: only its owner ever reads a notice (notifications.selectors).
    "Notification": seen("id kind kind_label text url due created_at read read_at"),
    "OrgAttendance": seen(
        "organization organization_name convened present absent_excused absent_unexcused unmarked"
    ),
    "Organization": seen(
        "code name short_name kind kind_label parent agency issuer_code place founded_on depth "
        "version"
    ),
    "OrganizationCreate": seen(
        "code name kind parent agency short_name issuer_code place founded_on"
    ),
    "OrganizationRegister": seen(
        "organization organization_name year years count groups own_awards"
    ),
    "PaginatedAwardFormList": seen("count next previous results"),
    "PaginatedAwardList": seen("count next previous results"),
    "PaginatedCycleList": seen("count next previous results"),
    "PaginatedDecisionList": seen("count next previous results"),
    "PaginatedDocumentList": seen("count next previous results"),
    "PaginatedEvaluationList": seen("count next previous results"),
    "PaginatedMeetingList": seen("count next previous results"),
    "PaginatedMemberList": seen("count next previous results"),
    "PaginatedNotificationList": seen("count next previous results"),
    "PaginatedOrganizationList": seen("count next previous results"),
    "PaginatedPartyRoleList": seen("count next previous results"),
    "PaginatedPostList": seen("count next previous results"),
    "PaginatedProgramItemList": seen("count next previous results"),
    "PaginatedProgramList": seen("count next previous results"),
    "PaginatedProposalList": seen("count next previous results"),
    "PaginatedScoreFrameList": seen("count next previous results"),
    "PaginatedScorePeerGroupList": seen("count next previous results"),
    "PaginatedScoreSheetList": seen("count next previous results"),
    "PaginatedScoreTargetList": seen("count next previous results"),
    "Participant": seen(
        "",
        keeper="id member organization organization_name attendance attendance_label "
        "absence_reason exempted suspended prosecuted_or_detained",
    ),
    "PartyRole": seen("id member organization role role_label term start end"),
    "PartyRoleCreate": seen("member organization role term start"),
    "PatchedItemPlanInput": seen(
        "reason on code content month quarter activity in_charge_text in_charge_organization "
        "in_charge_member subject_organizations subject_members"
    ),
    "PatchedMemberWrite": seen(
        "card_number full_name gender joined_on organization status birth_date full_member_on "
        "version"
    ),
    "PatchedOrganizationUpdate": seen("name short_name parent agency renamed_on version"),
    "PatchedScoreTargetChangeInput": seen(
        "name unit_of_measure target_value achieved_value direction met_override override_reason "
        "evidence sort_order reason"
    ),
    "Person": seen("full_name", reader="card_number"),
    "Post": seen("id member agency title title_label title_detail start end"),
    "PostCreate": seen("member agency title title_detail start"),
    "Program": seen(
        "id organization organization_name year kind kind_label title status status_label "
        "parent_program adopted_on adopted_at items_total items_done version"
    ),
    "ProgramCreateInput": seen("organization year kind title parent_program"),
    "ProgramDetail": seen(
        "id organization organization_name year kind kind_label title status status_label "
        "parent_program adopted_on adopted_at items_total items_done version adopted_snapshot "
        "items progress amendments child_plans can_write"
    ),
    # An item of an inspection and supervision program is shown whole or not at all, by rule
    # programs.inspection.item.read (programs/selectors.visible_items); which role reads which
    # item, in every body: test_permission_matrix.py's inspection tests.
    "ProgramItem": seen(
        "id program position code activity activity_label content month quarter timing_label "
        "due_date in_charge_text in_charge_organization in_charge_member subject_organizations "
        "subject_members status status_label status_reason completed_on result conclusions "
        "shortcomings remedies_required remedy_deadline remedy_done_on overdue remedy_open "
        "remedy_overdue done_late version"
    ),
    "ProgramItemDetail": seen(
        "id program position code activity activity_label content month quarter timing_label "
        "due_date in_charge_text in_charge_organization in_charge_member subject_organizations "
        "subject_members status status_label status_reason completed_on result conclusions "
        "shortcomings remedies_required remedy_deadline remedy_done_on overdue remedy_open "
        "remedy_overdue done_late version history amendments can_track"
    ),
    "Progress": seen("today total by_status percent_done by_month overdue open_remedies"),
    "Proposal": seen(
        "id organization organization_name issuer year form form_name status status_label "
        "decision candidate_count included_count eligible_count created_at submitted_at version"
    ),
    "ProposalDetail": seen(
        "id organization organization_name issuer year form form_name status status_label "
        "decision candidate_count included_count eligible_count created_at submitted_at version "
        "candidates"
    ),
    "ProposalInput": seen("outcome comment"),
    "RecordInput": seen("form issuer year achievement member organization decision justification"),
    "Refusal": seen("evaluation subject rule field message citation severity"),
    "Register": seen("member full_name organization awards"),
    "RegisterGroup": seen("form form_name issuer_name awards"),
    "RemediedInput": seen("on"),
    "ResultInput": seen("result conclusions shortcomings remedies_required remedy_deadline"),
    "ScoreBand": seen("minimum label code"),
    "ScoreCriterion": seen("code title max kind children"),
    "ScoreFrame": seen(
        "id code series year version title issuer issuer_name max_points citation supersedes "
        "is_sample"
    ),
    "ScoreFrameDetail": seen(
        "id code series year version title issuer issuer_name max_points citation supersedes "
        "is_sample criteria bands band_basis rank_basis tie_break_by tie_break_criterion"
    ),
    "ScoreLine": seen(
        "code title depth kind is_leaf max self_applicable self_points self_max evidence "
        "evidence_file_url appraised_applicable appraised_points appraised_max comment differs "
        "difference"
    ),
    "ScorePeerGroup": seen(
        "id name year frame frame_code frame_title series issuer is_published published_at "
        "is_sample"
    ),
    "ScoreRanking": seen(
        "id name year frame frame_code frame_title series issuer is_published published_at "
        "is_sample ranked of rows"
    ),
    "ScoreRankingRow": seen("rank shared unit unit_name points max percent level level_code sheet"),
    "ScoreSheet": seen(
        "id unit unit_name frame frame_code frame_title series year peer_group status "
        "status_label self_points self_max appraised_points appraised_max level_code level_label "
        "rank rank_of self_submitted_at appraised_at sealed_at version is_sample"
    ),
    "ScoreSheetDetail": seen(
        "id unit unit_name frame frame_code frame_title series year peer_group status "
        "status_label self_points self_max appraised_points appraised_max level_code level_label "
        "rank rank_of self_submitted_at appraised_at sealed_at version is_sample lines self_total "
        "appraised_total differences may_enter_self may_appraise"
    ),
    "ScoreSheetOpenInput": seen("unit frame"),
    "ScoreTarget": seen(
        "id lineage version is_current unit unit_name issuer issuer_name year name "
        "unit_of_measure direction target_value achieved_value met met_override override_reason "
        "evidence change_reason changed_at sort_order is_sample"
    ),
    "ScoreTargetCreateInput": seen(
        "name unit_of_measure target_value achieved_value direction met_override override_reason "
        "evidence sort_order unit issuer year"
    ),
    "ScoreTargetDetail": seen(
        "id lineage version is_current unit unit_name issuer issuer_name year name "
        "unit_of_measure direction target_value achieved_value met met_override override_reason "
        "evidence change_reason changed_at sort_order is_sample history"
    ),
    "ScoreTotal": seen(
        "points max frame_max base_points bonus_points penalty_points level level_code"
    ),
    "SecretaryInput": seen("member title"),
    "SelfAssessmentInput": seen("comment grades points level"),
    "SheetAppraisalInput": seen("lines not_applicable version"),
    "SheetAppraisalLineInput": seen("score comment"),
    "SheetSelfLineInput": seen("score evidence"),
    "SheetSelfScoresInput": seen("lines not_applicable submit version"),
    "StatusChange": seen("from_status to_status reason changed_on changed_at changed_by"),
    "StatusInput": seen("status reason on"),
    "Vote": seen(
        "id position motion agenda_item program votes_for votes_against abstain convened "
        "body_size present needed quorum_met adopted outcome_label findings"
    ),
    "VoteInput": seen("motion votes_for votes_against abstain program agenda_item claimed_adopted"),
}

# Every template that renders a person (a name, a card number, a birth date, an absence): who may
# be shown it. A template that starts rendering a person without a line here fails.
TEMPLATES: dict[str, Audience] = {
    "accounts/user_detail.html": Audience.KEEPER,  # office administrators of the subtree
    "accounts/user_list.html": Audience.KEEPER,
    "people/member_file.html": Audience.SEEN,  # readers of the member and the member themself
    "awards/index.html": Audience.SEEN,
    # the office of the cycle's organization: who is in which quota group (366, Điều 11.1.5)
    "evaluation/quota_groups.html": Audience.KEEPER,
    # the office of the cycle: members imported or moved in after it opened, to add them
    "evaluation/_missing_subjects.html": Audience.KEEPER,
    "awards/member.html": Audience.SEEN,  # a member's register: readers and the member
    "awards/proposal.html": Audience.SEEN,
    "meetings/meeting_detail.html": Audience.SEEN,  # chairs, secretary, speakers; counts only
    "meetings/_participant_row.html": Audience.KEEPER,
    "meetings/prepare.html": Audience.KEEPER,
    "meetings/run.html": Audience.KEEPER,
    "people/_member_options.html": Audience.READER,
    "people/_member_table.html": Audience.READER,
    "people/_search_results.html": Audience.READER,
    "people/home.html": Audience.SEEN,  # the member's own record
    "people/member_detail.html": Audience.SEEN,  # readers and the member themself
    "people/organization_detail.html": Audience.SEEN,  # the organization's leaders
    "programs/item_detail.html": Audience.SEEN,
    "programs/program_detail.html": Audience.SEEN,
    # issue 20: a member's own form (and the cell's or office's, which write for the member)
    "selfassessment/form.html": Audience.SEEN,
    "selfassessment/index.html": Audience.SEEN,
}


# --- checking a real response against the declaration ------------------------------------------

# The demo roles that hold no grant to write anything (KEEPER fields stay empty for them), and
# no grant to read anything (READER fields show them only their own value).
NO_WRITE_GRANT = frozenset({"khoi", "dangvien"})
NO_READ_GRANT = frozenset({"dangvien"})
EMPTY: tuple[object, ...] = (None, "", [], {})


@functools.cache
def api_schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


@functools.cache
def _operations() -> tuple[tuple[re.Pattern[str], dict[str, Any]], ...]:
    found = []
    for path, operations in api_schema()["paths"].items():
        if "get" in operations:
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
            found.append((pattern, operations["get"]))
    return tuple(found)


def _response_schema(path: str) -> dict[str, Any] | None:
    for pattern, operation in _operations():
        if pattern.match(path):
            content = operation.get("responses", {}).get("200", {}).get("content", {})
            media = content.get("application/json")
            return media.get("schema") if media else None
    return None


def _component(node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node:
            refs = [n for n in node[key] if "$ref" in n]
            if refs:
                node = refs[0]
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        component: dict[str, Any] = api_schema()["components"]["schemas"][name]
        return name, component
    return None, node


def field_violations(role: str, own_card: str | None, path: str, body: Any) -> list[str]:
    """What `body` (a response to GET `path` as `role`) carries that the declaration keeps from
    the role, and fields it carries that the declaration does not name."""
    schema = _response_schema(path)
    problems: list[str] = []
    if schema is None:
        return problems

    def walk(value: Any, node: dict[str, Any], where: str) -> None:
        name, node = _component(node)
        if isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, node.get("items", {}), f"{where}[{index}]")
            return
        if not isinstance(value, dict) or "properties" not in node:
            return
        declared = API_FIELDS.get(name or "", {})
        for key, inner in value.items():
            audience = declared.get(key)
            if name is not None and audience is None:
                problems.append(f"{where}.{key}: {name}.{key} is not declared")
                continue
            if audience is Audience.KEEPER and role in NO_WRITE_GRANT and inner not in EMPTY:
                problems.append(f"{where}.{key} ({name}, keeper) shown to {role}")
            if (
                audience is Audience.READER
                and role in NO_READ_GRANT
                and inner not in EMPTY
                and inner != own_card
            ):
                problems.append(f"{where}.{key} ({name}, reader) shown to {role}: {inner!r}")
            walk(inner, node["properties"].get(key, {}), f"{where}.{key}")

    walk(body, schema, "$")
    return problems


CARD_NUMBER = re.compile(r"\b\d{2}\.\d{6}\b")


def template_violations(
    role: str, template_names: list[str], body: str = "", own_card: str | None = None
) -> list[str]:
    """Templates rendered for `role` that show people the declaration keeps from it: a KEEPER
    template at all; a READER template (a list of members) with a card number other than the
    role's own."""
    problems = []
    for name in template_names:
        audience = TEMPLATES.get(name)
        if audience is Audience.KEEPER and role in NO_WRITE_GRANT:
            problems.append(f"{name} (keeper) rendered for {role}")
        if audience is Audience.READER and role in NO_READ_GRANT:
            others = set(CARD_NUMBER.findall(body)) - {own_card}
            if others:
                problems.append(f"{name} (reader) shows {role} the cards {sorted(others)}")
    return problems
