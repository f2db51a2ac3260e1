from playwright.sync_api import expect


def test_an_employee_signs_in_and_lands_on_home(new_page, shots, alice):
    from tests.e2e.conftest import sign_in

    page = sign_in(new_page(), alice.email)
    expect(page.get_by_role("heading", name="Welcome, Alice Employee")).to_be_visible()
    shots(page, "home")


def test_an_hr_admin_signs_in_with_two_factor(new_page, shots, hana):
    from tests.e2e.conftest import give_totp, sign_in

    secret = give_totp(hana.user)
    page = sign_in(new_page(), hana.email, totp_secret=secret)
    expect(page.get_by_role("heading", name="Welcome, Hana HR")).to_be_visible()
    shots(page, "hr-home")
