"""One case per error class: each names the right file, line and column."""

from __future__ import annotations

from config_helpers import Write, at, check, only_error

ACCOUNT = """
accounts:
  - name: Northshore
"""


def test_yaml_syntax_error(write: Write) -> None:
    write("a.yaml", "accounts:\n  - name: [unclosed\n")
    text = at(only_error(check()), "cfg/a.yaml", 3, 1)
    assert "invalid YAML" in text


def test_duplicate_key_in_one_mapping(write: Write) -> None:
    write("a.yaml", ACCOUNT + "    fields:\n      session_expire: 30\n      session_expire: 60\n")
    text = at(only_error(check()), "cfg/a.yaml", 5, 7)
    assert "duplicate key 'session_expire' (first written at line 4, column 7)" in text


def test_unknown_key_suggests_the_right_one(write: Write) -> None:
    write(
        "routes.yaml",
        ACCOUNT
        + """
    routes:
      - name: CT
        conditons: []
        actions: [{destination: PACS}]
""",
    )
    text = at(only_error(check()), "cfg/routes.yaml", 6, 9)
    assert (
        "accounts[0].routes[0].conditons: unknown key 'conditons' (did you mean 'conditions'?)"
        in text
    )


def test_unknown_top_level_key(write: Write) -> None:
    write("a.yaml", ACCOUNT + "varaibles: {x: 1}\n")
    text = at(only_error(check()), "cfg/a.yaml", 3, 1)
    assert "unknown top-level key 'varaibles' (did you mean 'variables'?)" in text


def test_wrong_type(write: Write) -> None:
    write("a.yaml", ACCOUNT + "    fields:\n      session_expire: half an hour\n")
    text = at(only_error(check()), "cfg/a.yaml", 4, 23)
    assert (
        "accounts[0].fields.session_expire: expected a whole number, got text 'half an hour'"
        in text
    )


def test_missing_required_key(write: Write) -> None:
    write(
        "hooks.yaml",
        ACCOUNT
        + "    webhooks:\n      - name: Reports\n        event: STUDY_SYNC\n        method: POST\n",
    )
    text = at(only_error(check()), "cfg/hooks.yaml", 4, 9)
    assert "accounts[0].webhooks[0]: missing required key 'url'" in text


def test_duplicate_names_across_files_ignore_case(write: Write) -> None:
    write("a.yaml", ACCOUNT + "    roles:\n      - name: Radiologist\n")
    write("b.yaml", "accounts:\n  - name: NORTHSHORE\n    roles:\n      - name: radiologist\n")
    text = at(only_error(check()), "cfg/b.yaml", 4, 15)
    assert "duplicate role 'radiologist' in account 'Northshore'" in text
    assert "first defined at cfg/a.yaml:4:15" in text


def test_dangling_default_role(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    roles:
      - name: Radiologist
    groups:
      - name: Radiology
        role: Radiolgist
      - name: Front desk
        role: User
""",
    )
    text = at(only_error(check()), "cfg/a.yaml", 8, 15)
    assert "default role 'Radiolgist': no role of that name" in text
    assert "(did you mean 'Radiologist'?)" in text


def test_dangling_route_condition_customfield_and_webhook(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    customfields:
      - {name: Referral Priority, object: Study, type: text}
    routes:
      - name: STAT
        conditions:
          - {customfield: Referal Priority, op: equals, rv: STAT}
        actions:
          - webhook: Reporting
          - destination: PACS Main
""",
    )
    errors = check().errors
    assert len(errors) == 2, errors
    text = at(errors[0], "cfg/a.yaml", 9, 27)
    assert "no Study custom field of that name" in text
    assert "(did you mean 'Referral Priority'?)" in text
    text = at(errors[1], "cfg/a.yaml", 11, 22)
    assert "webhook action 'Reporting': no webhook of that name" in text


def test_destinations_are_not_managed_so_never_dangling(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + "    routes:\n      - name: All to PACS\n        actions: [{destination: Nowhere}]\n",
    )
    assert check().ok


def test_ignored_names_resolve_live(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT + "    ignore: {roles: ['Legacy *']}\n"
        "    groups:\n      - {name: Old, role: Legacy Reader}\n",
    )
    assert check().ok


def test_role_that_forbids_groups_cannot_be_a_group_default(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    roles:
      - {name: Desk, for_group: false}
    groups:
      - {name: Radiology, role: Desk}
""",
    )
    text = at(only_error(check()), "cfg/a.yaml", 7, 33)
    assert "role 'Desk' has for_group: false (at cfg/a.yaml:5:33)" in text


def test_show_when_cycle(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    customfields:
      - name: A
        object: Study
        options: {show_when: {B: ["1"]}}
      - name: B
        object: Study
        options: {show_when: {A: ["1"]}}
""",
    )
    text = at(only_error(check()), "cfg/a.yaml", 7, 31)
    assert "show_when cycle among custom fields: Study/A -> Study/B -> Study/A" in text


def test_unknown_permission(write: Write) -> None:
    write(
        "roles.yaml",
        ACCOUNT
        + """
    roles:
      - name: Reader
        permissions:
          study_view: true
          study_veiw: true
""",
    )
    text = at(only_error(check()), "cfg/roles.yaml", 8, 11)
    assert text.endswith(
        "accounts[0].roles[0].permissions.study_veiw: unknown permission 'study_veiw' "
        "(did you mean 'study_view'?)"
    )


def test_permission_values_by_kind(write: Write) -> None:
    write(
        "roles.yaml",
        ACCOUNT
        + """
    roles:
      - name: Reader
        permissions:
          study_view: 1
          study_edit: maybe
          study_field_modality: X
""",
    )
    errors = check().errors
    assert [e.line for e in errors] == [8, 9], errors
    assert "expected true or false (or 1/0), got text 'maybe'" in at(
        errors[0], "cfg/roles.yaml", 8, 23
    )
    assert "expected one of F, H, O, R, got text 'X'" in at(errors[1], "cfg/roles.yaml", 9, 33)


def test_custom_field_permission_by_name_must_exist(write: Write) -> None:
    write(
        "roles.yaml",
        ACCOUNT
        + """
    customfields:
      - {name: Priority, object: Study}
      - {name: Referral, object: Order}
    roles:
      - name: Reader
        permissions:
          study_field_customfields: {Priority: F, Referral: H}
""",
    )
    text = at(only_error(check()), "cfg/roles.yaml", 10, 51)
    assert "custom field permission 'Referral': no Study custom field of that name" in text


def test_account_settings_names_and_types(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    settings:
      enable_dicom_wraping: true
      disable_duplicate_study_upload: sometimes
      max_link_studies: 100
""",
    )
    errors = check().errors
    assert len(errors) == 2, errors
    text = at(errors[0], "cfg/a.yaml", 5, 7)
    assert (
        "unknown account setting 'enable_dicom_wraping' (did you mean 'enable_dicom_wrapping'?)"
        in text
    )
    text = at(errors[1], "cfg/a.yaml", 6, 39)
    assert "setting 'disable_duplicate_study_upload' is flag" in text


def test_route_condition_lv_and_op(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    routes:
      - name: CT
        conditions:
          - {lv: modalty, op: equals, rv: CT}
          - {lv: modality, op: equal, rv: CT}
        actions: [{destination: PACS}]
""",
    )
    errors = check().errors
    assert len(errors) == 2, errors
    assert "unknown left value 'modalty' (did you mean 'modality'?)" in at(
        errors[0], "cfg/a.yaml", 7, 18
    )
    assert "unknown operator 'equal' (did you mean 'equals'?)" in at(errors[1], "cfg/a.yaml", 8, 32)


def test_webhook_event_and_method(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    webhooks:
      - name: Reports
        event: STUDY_SYNCH
        url: https://example.org
        method: PATCH
""",
    )
    errors = check().errors
    assert len(errors) == 2, errors
    assert "unknown webhook event 'STUDY_SYNCH' (did you mean 'STUDY_SYNC'?)" in at(
        errors[0], "cfg/a.yaml", 6, 16
    )
    assert "unknown webhook method 'PATCH'" in at(errors[1], "cfg/a.yaml", 8, 17)


def test_account_field_set_twice_with_different_values(write: Write) -> None:
    write("a.yaml", ACCOUNT + "    fields: {session_expire: 30}\n")
    write("b.yaml", ACCOUNT + "    fields: {session_expire: 60}\n")
    text = at(only_error(check()), "cfg/b.yaml", 3, 30)
    assert (
        "fields 'session_expire' is set twice with different values (first at cfg/a.yaml:3:30)"
        in text
    )


def test_unknown_variable_and_missing_env(write: Write) -> None:
    write(
        "a.yaml",
        """
variables: {pacs: PACS Main}
accounts:
  - name: Northshore
    routes:
      - name: CT
        actions: [{destination: "${var:pcas}"}]
    fields:
      share_code: ${env:NSH_SHARE_CODE}
""",
    )
    errors = check().errors
    assert len(errors) == 2, errors
    assert "unknown variable 'pcas' (did you mean 'pacs'?)" in at(errors[0], "cfg/a.yaml", 6, 33)
    text = at(errors[1], "cfg/a.yaml", 8, 19)
    assert "environment variable NSH_SHARE_CODE is not set" in text
    assert "hint: export NSH_SHARE_CODE=" in text


def test_unknown_shared_block(write: Write) -> None:
    write("a.yaml", ACCOUNT + "    include: [comon]\nshared:\n  common: {roles: []}\n")
    text = at(only_error(check()), "cfg/a.yaml", 3, 15)
    assert "no shared block named 'comon' (did you mean 'common'?)" in text


def test_every_error_in_one_run(write: Write) -> None:
    write("a.yaml", ACCOUNT + "    fields: {session_expire: x, must_approve: perhaps}\n")
    write("b.yaml", "accounts: [{name: Other, roles: [{nam: X}]}]\n")
    result = check()
    assert len(result.errors) == 4, result.errors
    assert {e.file for e in result.errors} == {"cfg/a.yaml", "cfg/b.yaml"}


def test_shared_objects_are_reported_once_for_all_accounts(write: Write) -> None:
    write(
        "a.yaml",
        """
shared:
  common:
    groups:
      - {name: Radiology, role: Radiolgist}
accounts:
  - {name: Prod, include: [common]}
  - {name: UAT, include: [common]}
""",
    )
    text = at(only_error(check()), "cfg/a.yaml", 4, 33)
    assert "no role of that name in accounts 'Prod' and 'UAT'" in text


def test_a_bad_interpolated_value_in_a_shared_block_is_reported_at_its_expression(
    write: Write,
) -> None:
    write(
        "a.yaml",
        """
shared:
  common:
    groups:
      - {name: Radiology, must_approve: "${var:flag}"}
    routes:
      - {name: CT, group: Radiology, actions: [{destination: "${var:pacs}"}]}
accounts:
  - {name: Prod, include: [common], variables: {flag: true, pacs: Main PACS}}
  - {name: UAT, include: [common], variables: {flag: perhaps, pacs: ""}}
  - {name: Lab, include: [common], variables: {flag: false, pacs: Lab PACS}}
""",
    )
    result = check()
    assert len(result.errors) == 2, "\n".join(map(str, result.errors))
    flag = at(result.errors[0], "cfg/a.yaml", 4, 41)
    assert "shared.common.groups[0].must_approve: expected true or false, got text" in flag
    pacs = at(result.errors[1], "cfg/a.yaml", 6, 62)
    assert "shared.common.routes[0].actions[0].destination: a name cannot be empty" in pacs


def test_unreadable_file_suspends_reference_checks(write: Write) -> None:
    write("groups.yaml", "accounts:\n  - name: A\n    groups: [{name: G\n")
    write(
        "routes.yaml",
        "accounts:\n  - name: A\n    routes: [{name: R, group: G, actions: [{destination: D}]}]\n",
    )
    result = check()
    assert len(result.errors) == 1 and result.errors[0].file == "cfg/groups.yaml"
    assert "references between objects were not checked" in str(result.warnings[0])


def test_settings_whose_table_rows_have_an_empty_cell_are_known(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    settings:
      update_phi_hl7_namespaces: ""
      update_accession_from_orm: {hl7_field: OBR_5_2}
""",
    )
    assert check().errors == []


def test_settings_name_objects_that_must_be_defined(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    settings:
      study_stat_filter: [Priorty, STAT]
      study_status_role_tags: {READ: [Radiologist]}
      default_query_owner_namespace: {group: Cardiolgy}
    customfields:
      - {name: Priority, object: Study, type: text}
    groups:
      - name: Cardiology
""",
    )
    errors = check().errors
    assert len(errors) == 3, errors
    text = at(errors[0], "cfg/a.yaml", 5, 27)
    assert "setting study_stat_filter 'Priorty': no Study custom field of that name" in text
    assert "did you mean 'Priority'?" in text
    text = at(errors[1], "cfg/a.yaml", 6, 39)
    assert "setting study_status_role_tags 'Radiologist': no role of that name" in text
    text = at(errors[2], "cfg/a.yaml", 7, 46)
    assert "setting default_query_owner_namespace 'Cardiolgy': no group of that name" in text


def test_settings_that_name_objects_take_yaml_not_uuid_text(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    settings:
      vanity_registration_customfields: "0b3c6d5e-1f2a-4b3c-8d9e-0a1b2c3d4e5f"
      study_requestable_namespaces: [Cardiology]
""",
    )
    errors = check().errors
    assert len(errors) == 2, errors
    text = at(errors[0], "cfg/a.yaml", 5, 41)
    assert "names objects of the account: write it as a list of names" in text
    text = at(errors[1], "cfg/a.yaml", 6, 37)
    assert "expected {group: <name>}, {location: <name>}, ACCOUNT or the uuid of another" in text


def test_a_setting_that_takes_one_namespace_or_a_list_takes_both(write: Write) -> None:
    write(
        "a.yaml",
        ACCOUNT
        + """
    settings:
      patient_portal_options: {source_namespace: {group: Portal}}
      sso_second_opinion_workflow: {namespace_id: [{group: Portal}]}
    groups:
      - name: Portal
""",
    )
    [error] = check().errors
    text = at(error, "cfg/a.yaml", 6, 36)
    assert "setting 'sso_second_opinion_workflow': expected {group: <name>}" in text
    write(
        "a.yaml",
        ACCOUNT
        + """
    settings:
      patient_portal_options: {source_namespace: [{group: Portal}, ACCOUNT]}
    groups:
      - name: Portal
""",
    )
    assert check().errors == []
