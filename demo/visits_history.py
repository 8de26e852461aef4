"""The demo desk's on-site service 现场服务 (issue 15), replayed through the services at their historic times.

Run by the desk's history (``demo.servicedesk_history``) once its cases exist:

- 20 days ago, a quality call from Guangdong (the service center's province: 24 h): tech1 goes alone, arrives in
  five hours, finds a failed thermostat and exchanges the heater; the customer signs on the tablet (a drawn
  signature), the form's PDF is made, and the case is resolved and called back (5);
- 12 days ago, a call from Hunan (out of province: 48 h): tech2 leads tech1, they arrive after 30 hours, repair on
  site, and the customer signs the paper form, photographed; resolved and called back (4);
- 4 days ago, a Guangdong call whose engineer arrived 31 hours after dispatch: the arrival SLA breached, the
  findings recorded, the signature still to come;
- 3 hours before today, a visit dispatched to tech1 that waits on their home page.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from servicedesk import services
from servicedesk.choices import CaseKind, Channel, Outcome, ResponseMethod, SignatureSource, VisitHandling
from servicedesk.models import Visit
from servicedesk.services.visits import visit_form_render
from stores.models import Store
from suppliers.models import Style


@dataclass
class VisitsSummary:
    visits: int = 0
    cases: int = 0


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _drawn_signature() -> bytes:
    """Strokes as the canvas exports them: a transparent-looking white pad with a dark pen."""
    image = Image.new("RGB", (480, 180), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(20, 130), (70, 40), (110, 140), (160, 50), (210, 120)], fill=(10, 31, 68), width=5)
    draw.line([(240, 90), (300, 60), (350, 130), (420, 45)], fill=(10, 31, 68), width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _paper_photo() -> bytes:
    """A photo of the signed paper form: a greyish sheet, printed lines and a signature at the bottom."""
    image = Image.new("RGB", (600, 800), (236, 234, 228))
    draw = ImageDraw.Draw(image)
    for row in range(80, 640, 40):
        draw.line([(60, row), (540, row)], fill=(120, 120, 120), width=2)
    draw.line([(320, 720), (360, 680), (400, 730), (470, 690)], fill=(20, 20, 90), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def visits_history_build(*, end: dt.datetime) -> VisitsSummary:
    """Replay the visits once (nothing when a visit exists: ``seed_demo`` twice adds nothing).

    ``end`` is the start of today: nothing happens at or after it.
    """
    summary = VisitsSummary()
    if Visit.objects.exists():
        return summary
    hotline, tech1, tech2 = _user("hotline1"), _user("tech1"), _user("tech2")
    style = Style.objects.order_by("style_no").first()
    store = Store.objects.filter(code="S001").first()

    def at(when: dt.datetime):
        return time_machine.travel(min(when, end - dt.timedelta(minutes=1)), tick=False)

    def moment(days_ago: float, hour: int, minute: int = 10) -> dt.datetime:
        day = timezone.localdate(end) - dt.timedelta(days=int(days_ago))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def quality_call(when, *, name, phone, province, description):
        summary.cases += 1
        with at(when):
            case = services.servicecase_open(
                user=hotline,
                channel=Channel.PHONE,
                kind=CaseKind.QUALITY,
                description=description,
                customer={"name": name, "phone": phone, "province": province, "consent": True},
                store=store,
                style=style,
                batch_no="B2026-09",
                quantity=1,
            )
        with at(when + dt.timedelta(minutes=20)):
            return services.servicecase_respond(
                user=hotline, case=case, method=ResponseMethod.PHONE, message="已安排工程师上门 On-site visit arranged"
            )

    def dispatch(case, when, *, crew, lead=None, province="", address="", planned_hours=4):
        summary.visits += 1
        with at(when):
            return services.visit_dispatch(
                user=hotline,
                case=case,
                technicians=crew,
                lead=lead,
                planned_arrival=when + dt.timedelta(hours=planned_hours),
                province=province,
                address=address,
            )

    def on_site(visit, when, *, by, handling, findings, misuse=False):
        with at(when):
            visit = services.visit_arrive(user=by, visit=visit)
        with at(when + dt.timedelta(minutes=50)):
            return services.visit_record_findings(
                user=by,
                visit=visit,
                product=str(style) if style else "",
                batch_no="B2026-09",
                production_point="二车间 Workshop 2",
                production_date=timezone.localdate(end) - dt.timedelta(days=120),
                quantity_used=1,
                misuse=misuse,
                findings=findings,
                handling=handling,
                handling_notes="客户认可处理结果 The customer agreed",
            )

    def close(case, when, *, outcome, satisfaction):
        with at(when):
            case = services.servicecase_resolve(user=hotline, case=case, resolution="现场服务已完成", outcome=outcome)
        with at(when + dt.timedelta(days=2)):
            services.servicecase_follow_up(user=hotline, case=case, satisfaction=satisfaction, remarks="回访满意")

    # 1. In the province, signed on the tablet.
    start = moment(20, 9)
    case = quality_call(start, name="陈静", phone="13600009101", province="广东", description="电暖器外壳发烫变形")
    visit = dispatch(case, start + dt.timedelta(hours=1), crew=[tech1], address="广州市天河区体育西路1号")
    visit = on_site(visit, start + dt.timedelta(hours=6), by=tech1, handling=VisitHandling.EXCHANGED_OR_RETURNED,
                    findings="温控器失灵，外壳局部变形 Thermostat failed")  # fmt: skip
    with at(start + dt.timedelta(hours=7)):
        services.visit_sign(user=tech1, visit=visit, content=_drawn_signature(), source=SignatureSource.DRAWN,
                            signer_name="陈静")  # fmt: skip
        visit_form_render(visit_id=visit.pk)
    close(Visit.objects.get(pk=visit.pk).service_case, start + dt.timedelta(days=1), outcome=Outcome.EXCHANGED,
          satisfaction=5)  # fmt: skip

    # 2. Out of the province, two engineers, the paper form photographed.
    start = moment(12, 10)
    case = quality_call(start, name="刘洋", phone="13600009102", province="湖南省", description="加湿器漏水")
    visit = dispatch(case, start + dt.timedelta(hours=1), crew=[tech2, tech1], lead=tech2,
                     address="长沙市岳麓区麓山路8号", planned_hours=24)  # fmt: skip
    visit = on_site(visit, start + dt.timedelta(hours=31), by=tech2, handling=VisitHandling.REPAIRED_ON_SITE,
                    findings="进水阀密封圈老化 Inlet seal worn")  # fmt: skip
    with at(start + dt.timedelta(hours=32)):
        services.visit_sign(user=tech2, visit=visit, content=_paper_photo(), source=SignatureSource.PHOTO,
                            signer_name="刘洋", filename="feedback-form.jpg")  # fmt: skip
        visit_form_render(visit_id=visit.pk)
    close(Visit.objects.get(pk=visit.pk).service_case, start + dt.timedelta(days=2), outcome=Outcome.REPAIRED,
          satisfaction=4)  # fmt: skip

    # 3. An arrival breach: due in 24 h, arrived after 31.
    start = moment(4, 8)
    case = quality_call(start, name="黄磊", phone="13600009103", province="广东", description="台灯频闪")
    visit = dispatch(case, start + dt.timedelta(hours=1), crew=[tech2], address="佛山市禅城区祖庙路3号")
    on_site(visit, start + dt.timedelta(hours=32), by=tech2, handling=VisitHandling.COMPENSATED,
            findings="镇流器不良，已补偿一张优惠券 Ballast faulty", misuse=False)  # fmt: skip

    # 4. Waiting for tech1 now.
    start = end - dt.timedelta(hours=3)
    case = quality_call(start - dt.timedelta(minutes=30), name="周婷", phone="13600009104", province="广东",
                        description="电饭煲不加热")  # fmt: skip
    dispatch(case, start, crew=[tech1], address="深圳市福田区深南大道100号", planned_hours=5)
    return summary
