"""A labelled evaluation set for matching needs to helpers, made by simulation. Pure.

Every simulated person has a hidden skill (sometimes two): what they could really
help with. A need asks for one skill; the people who truly could help are those
who hold it. Matchers never see the skills, only what troth would see: names,
titles, companies, tags, notes and past favours, generated from the skills with
the noise of a real address book:

* titles vary (synonyms, seniority words, a vague "Consultant", no title at all);
* the skill's tag is there only sometimes; others tags are hobbies, context, or
  decoys that share a word with a skill ("data-entry", "design-thinking");
* notes sometimes say the skill in other words ("did my taxes last spring"), and
  some mention a skill the person does not have ("asked me if I know a good
  accountant");
* company names often name another industry ("Granite Accounting" employs a
  recruiter);
* some true helpers leave almost no text behind; a second skill shows only in a
  tag, a note, an earlier title, or not at all.

The wording lists are split in two by position: the "tune" split uses the even
entries of every list, the "test" split the odd ones, so a synonyms table tuned on
the tune split is reported on wording it has never seen. "all" uses both.

This module has its own random stream (numpy's default_rng(seed) here) and does
not touch `generate_network`, whose numbers tests rely on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from troth.matching.keywords import FAVOR_KINDS, NeedText, Profile
from troth.sim import names as words

SPLITS = ("tune", "test", "all")


@dataclass(frozen=True)
class Skill:
    key: str
    tags: tuple[str, ...]  # tags such a person might carry
    titles: tuple[str, ...]
    notes: tuple[str, ...]  # notes that say it in other words
    needs: tuple[str, ...]  # how someone asks for it ("{org}" is filled in)
    favours: tuple[str, ...]  # a favour that shows it
    orgs: tuple[str, ...]  # company name endings where such people work
    noun: str  # "a good {noun}", for notes that mention it without having it
    askable: bool = True


# fmt: off
SKILLS: tuple[Skill, ...] = (
    Skill(
        "accounting", ("accounting", "cpa", "tax", "bookkeeping"),
        ("Accountant", "Staff Accountant", "Tax Manager", "CPA", "Bookkeeper", "Controller",
         "Senior Tax Associate", "Revenue Accountant", "Audit Senior", "Enrolled Agent",
         "Payroll Specialist", "Accounting Manager"),
        ("Does taxes for half the neighbourhood every spring.", "Keeps the books for three restaurants.",
         "Passed the CPA exam last year.", "Spent six years in audit at a Big Four firm.",
         "Sorted out my quarterly estimates in ten minutes.", "Runs payroll and year-end filings for small shops."),
        ("a CPA who knows startups", "someone to do my taxes this year",
         "help cleaning up the books for a small bakery", "an accountant for a side business",
         "advice on quarterly estimated tax payments", "a bookkeeper for a two-person company",
         "someone who can explain a P&L to me", "help with an IRS letter"),
        ("Looked over my tax return", "Explained 1099 versus W-2 to me"),
        ("Accounting", "Tax Services", "CPAs"), "accountant",
    ),
    Skill(
        "immigration", ("immigration", "legal", "visas"),
        ("Immigration Attorney", "Immigration Paralegal", "Global Mobility Manager",
         "Immigration Lawyer", "Visa Case Manager", "Associate Attorney, Immigration",
         "Immigration Counsel", "Global Mobility Specialist"),
        ("Got half her team through H-1B transfers.", "Knows the green card process inside out.",
         "Handles work permits for a big consulting firm.", "Volunteers at a legal aid clinic for new arrivals."),
        ("a good immigration lawyer", "advice on an H-1B transfer", "someone who understands O-1 visas",
         "help with a green card application", "advice on a work visa for my partner",
         "someone who has been through the visa lottery"),
        ("Walked me through my visa options", "Checked my OPT timeline"),
        ("Law Group", "Legal", "Immigration Partners"), "immigration lawyer",
    ),
    Skill(
        "corporate-law", ("legal", "contracts", "startups"),
        ("Corporate Attorney", "General Counsel", "Contracts Manager", "Associate General Counsel",
         "Startup Lawyer", "Legal Counsel", "Transactional Attorney", "Commercial Counsel"),
        ("Drafts term sheets and shareholder agreements for a living.", "Reviewed our vendor agreement for free.",
         "Spins up LLCs for founders.", "In-house lawyer at a big retailer."),
        ("a lawyer to look over a vendor contract", "help incorporating an LLC",
         "advice on a shareholder agreement", "someone to review an NDA before Friday",
         "a startup attorney who takes equity", "someone who can read a term sheet"),
        ("Reviewed my consulting contract", "Marked up an NDA for me"),
        ("Legal", "Law Group", "LLP"), "lawyer",
    ),
    Skill(
        "employment-law", ("legal", "employment-law", "hr"),
        ("Employment Lawyer", "Labor & Employment Attorney", "Employment Counsel",
         "Employee Relations Manager", "Plaintiff-side Employment Attorney", "Workplace Investigator"),
        ("Knows non-competes better than anyone.", "Reads severance agreements for friends.",
         "Used to litigate wrongful termination cases.", "Advises companies on layoffs."),
        ("advice on a non-compete", "someone to read a severance agreement",
         "help understanding my rights after a layoff", "a lawyer for a wrongful termination question",
         "advice on an unpaid final paycheck"),
        ("Read my severance offer", "Explained my non-compete"),
        ("Legal", "Law Group", "Employment Law"), "employment lawyer",
    ),
    Skill(
        "patents", ("patents", "ip", "legal"),
        ("Patent Attorney", "Patent Agent", "IP Counsel", "Trademark Paralegal",
         "Intellectual Property Associate", "Patent Engineer"),
        ("Files patents for hardware startups.", "Registered our trademark in a week.",
         "Former engineer turned patent lawyer.", "Knows how copyright works for software."),
        ("help filing a trademark", "a patent attorney for a hardware idea",
         "advice on protecting an app's name", "someone who knows copyright for photos"),
        ("Checked whether my app name was taken", "Explained provisional patents"),
        ("IP", "Legal", "Patent Group"), "patent lawyer",
    ),
    Skill(
        "recruiting", ("recruiting", "talent", "hiring"),
        ("Technical Recruiter", "Talent Acquisition Partner", "Sourcer", "Recruiting Coordinator",
         "Headhunter", "Executive Search Consultant", "Talent Partner", "Recruiter",
         "Talent Acquisition Lead", "Agency Recruiter"),
        ("Places engineers at Chicago startups.", "Fills senior roles for fintech firms.",
         "Sources candidates all day on LinkedIn.", "Ran campus hiring at a big bank.",
         "Knows which companies are hiring before they post."),
        ("a recruiter who places data scientists", "an intro to a headhunter for director roles",
         "someone in talent acquisition at a big company", "help getting my resume past recruiters",
         "a recruiter who works with product people", "advice on working with agency recruiters",
         "someone who knows who is hiring in fintech"),
        ("Sent my resume to three hiring managers", "Told me which roles were about to open"),
        ("Staffing", "Talent", "Search Partners"), "recruiter",
    ),
    Skill(
        "people-ops", ("hr", "people-ops", "compensation"),
        ("HR Business Partner", "Head of People", "People Operations Manager", "HR Generalist",
         "Compensation Analyst", "Benefits Manager", "Chief People Officer", "HR Director",
         "Total Rewards Manager"),
        ("Built the performance review process at her last two companies.", "Knows salary bands for every level.",
         "Wrote the employee handbook at a 500-person company.", "Handles leave policies and benefits."),
        ("advice on negotiating an offer", "someone who knows compensation bands",
         "help writing an employee handbook", "advice on a parental leave policy",
         "someone who has built a performance review process", "help benchmarking salaries for a first hire"),
        ("Told me what my offer was worth", "Shared a salary benchmark"),
        ("People", "HR Solutions", "Benefits"), "HR person",
    ),
    Skill(
        "backend", ("python", "engineering", "backend"),
        ("Software Engineer", "Backend Engineer", "Python Developer", "Senior Software Engineer",
         "Staff Engineer", "Django Developer", "Full Stack Developer", "Programmer",
         "Software Developer", "Platform Engineer", "Member of Technical Staff", "Engineer"),
        ("Writes Python all day.", "Maintains a popular open-source web framework.",
         "Built the payments backend at his last job.", "Codes on weekends for fun.",
         "Rewrote their API in Go."),
        ("a Python contractor for a 3-month project", "someone to review my Django app",
         "a backend developer for a side project", "help debugging a Flask API",
         "a developer who can build a simple web app", "code review for a take-home assignment",
         "someone to pair on a coding interview"),
        ("Reviewed my take-home code", "Helped me debug a deploy"),
        ("Software", "Labs", "Technologies", "Systems"), "developer",
    ),
    Skill(
        "frontend-mobile", ("frontend", "mobile", "javascript"),
        ("Frontend Engineer", "iOS Developer", "Android Engineer", "React Developer",
         "Mobile Engineer", "Web Developer", "UI Engineer", "Swift Developer"),
        ("Shipped three apps to the App Store.", "Builds websites for small businesses on the side.",
         "React and TypeScript person.", "Knows Android inside out."),
        ("someone to build a simple iPhone app", "a React developer for a landing page",
         "help fixing our website's JavaScript", "a mobile developer for an MVP",
         "someone who can make our site work on phones"),
        ("Fixed the layout of my portfolio site", "Helped me publish an app"),
        ("Apps", "Digital", "Interactive"), "web developer",
    ),
    Skill(
        "ml", ("ai", "machine-learning", "data-science"),
        ("Data Scientist", "Machine Learning Engineer", "ML Researcher", "Applied Scientist",
         "AI Engineer", "Statistician", "NLP Engineer", "Research Scientist, AI",
         "Senior Data Scientist", "Computer Vision Engineer"),
        ("Trains language models at work.", "PhD in statistics.", "Builds recommendation systems.",
         "Runs the experimentation platform.", "Talks about neural nets at every party."),
        ("advice on a machine learning model", "someone who has deployed an LLM",
         "a statistician to check an A/B test", "an intro to someone doing computer vision",
         "someone who knows the AI team at {org}", "help choosing a forecasting method",
         "feedback on a data science portfolio"),
        ("Reviewed my model evaluation", "Explained how to read an A/B test"),
        ("AI", "Analytics", "Data"), "data scientist",
    ),
    Skill(
        "analytics", ("data", "sql", "analytics"),
        ("Data Analyst", "Business Intelligence Analyst", "Analytics Manager", "BI Developer",
         "Data Engineer", "Analytics Engineer", "SQL Developer", "Reporting Analyst",
         "Senior Data Engineer"),
        ("Builds dashboards nobody reads, she says.", "Lives in SQL and Tableau.",
         "Set up the data warehouse at his startup.", "Knows dbt and Snowflake well."),
        ("help with a Tableau dashboard", "examples of a data engineering take-home",
         "someone who knows SQL well", "advice on setting up a data warehouse",
         "a referral for a data analyst role at {org}", "help cleaning a messy spreadsheet of sales data"),
        ("Checked my SQL answers", "Sent me sample dashboards"),
        ("Analytics", "Data", "Insights"), "data analyst",
    ),
    Skill(
        "devops", ("devops", "cloud", "infrastructure"),
        ("DevOps Engineer", "Site Reliability Engineer", "Cloud Architect", "Infrastructure Engineer",
         "SRE", "Cloud Engineer", "Systems Administrator", "Release Engineer"),
        ("On call for a big e-commerce site.", "Moved his company to Kubernetes.",
         "Knows AWS billing better than AWS does.", "Automates everything with Terraform."),
        ("help setting up Kubernetes", "someone to review our AWS bill",
         "advice on CI/CD pipelines", "someone who can fix our server outages",
         "help moving a small app to the cloud"),
        ("Looked at my AWS setup", "Fixed my deploy script"),
        ("Cloud", "Systems", "Networks"), "sysadmin",
    ),
    Skill(
        "security", ("security", "infosec", "cybersecurity"),
        ("Security Engineer", "Penetration Tester", "CISO", "Information Security Analyst",
         "AppSec Engineer", "Security Architect", "Ethical Hacker", "GRC Analyst"),
        ("Breaks into banks for a living (legally).", "Got their startup through SOC 2.",
         "Runs the local OWASP chapter.", "Reviews vendor security questionnaires."),
        ("someone to do a pen test", "advice on SOC 2", "help with a security questionnaire",
         "someone to check whether our app is secure", "advice after a phishing attack"),
        ("Checked my laptop after a phishing email", "Reviewed our password policy"),
        ("Security", "Cyber", "Defense"), "security expert",
    ),
    Skill(
        "product", ("product", "product-management"),
        ("Product Manager", "Senior Product Manager", "Product Owner", "Group Product Manager",
         "Director of Product", "Head of Product", "Technical Product Manager", "VP Product",
         "Associate Product Manager"),
        ("Launched two products at a big fintech.", "Thinks in roadmaps.",
         "Runs the Chicago product meetup.", "Writes great specs."),
        ("a referral for a product role at {org}", "mock interview for a PM role",
         "feedback on a product spec", "someone who has run a product launch",
         "advice on breaking into product management", "beta testers for a new app"),
        ("Did a PM mock interview with me", "Reviewed my product case study"),
        ("Labs", "Software", "Apps"), "product manager",
    ),
    Skill(
        "ux", ("ux", "design", "user-research"),
        ("UX Designer", "Product Designer", "UI Designer", "Interaction Designer",
         "UX Researcher", "Design Lead", "User Experience Designer", "Senior Product Designer"),
        ("Runs usability tests every week.", "Figma wizard.", "Redesigned the onboarding at her company.",
         "Teaches a UX bootcamp at night."),
        ("a designer to refresh their portfolio site", "feedback on an app's user flow",
         "someone who can run usability tests", "help with Figma mockups",
         "a UX review of our checkout page", "advice on a UX portfolio"),
        ("Critiqued my portfolio", "Sketched a new signup flow for us"),
        ("Design", "Studios", "Interactive"), "designer",
    ),
    Skill(
        "graphic-design", ("design", "branding", "illustration"),
        ("Graphic Designer", "Brand Designer", "Visual Designer", "Art Director", "Illustrator",
         "Creative Director", "Freelance Designer", "Packaging Designer"),
        ("Designed the logo for half the breweries in town.", "Draws beautiful posters.",
         "Did our wedding invitations.", "Runs a small branding studio."),
        ("a new logo for a bakery", "someone to design a wedding invitation",
         "help with branding for a startup", "a freelance illustrator",
         "someone to make our slides look professional", "a poster for a fundraiser"),
        ("Made me a logo", "Designed my business cards"),
        ("Creative", "Design", "Studios"), "graphic designer",
    ),
    Skill(
        "marketing", ("marketing", "growth", "seo"),
        ("Marketing Manager", "Growth Marketer", "Digital Marketing Specialist", "SEO Specialist",
         "Demand Generation Manager", "CMO", "Head of Growth", "Performance Marketer",
         "Product Marketing Manager", "Email Marketing Manager"),
        ("Runs paid ads for consumer brands.", "Grew a newsletter to 100k subscribers.",
         "Knows SEO tricks that actually work.", "Ran growth at a meal-kit startup."),
        ("a marketing freelancer", "advice on SEO for a small shop", "someone who runs paid ads",
         "help launching a product on social media", "advice on growing an email list",
         "someone to look at our Google Ads account"),
        ("Looked at my website's SEO", "Gave me a launch plan"),
        ("Marketing", "Media", "Digital", "Agency"), "marketer",
    ),
    Skill(
        "writing", ("writing", "editing", "content"),
        ("Copywriter", "Content Strategist", "Technical Writer", "Editor",
         "Content Marketing Manager", "Freelance Writer", "Managing Editor", "Documentation Lead",
         "Proofreader"),
        ("Writes the best cover letters I have ever read.", "Edits a literary magazine.",
         "Wrote the docs for a big open-source project.", "Ghostwrites for CEOs."),
        ("someone to edit a cover letter", "a copywriter for a website", "help writing API docs",
         "a proofreader for a grant application", "feedback on a personal essay",
         "someone to tighten my LinkedIn summary"),
        ("Edited my cover letter", "Rewrote my LinkedIn headline"),
        ("Media", "Press", "Publishing"), "writer",
    ),
    Skill(
        "pr", ("pr", "communications", "media"),
        ("Communications Director", "PR Manager", "Publicist", "Media Relations Specialist",
         "Head of Communications", "Press Officer", "Communications Manager"),
        ("Knows every tech reporter in Chicago.", "Handled a crisis at a big airline.",
         "Gets clients on morning TV.", "Former journalist."),
        ("someone who knows tech journalists", "help writing a press release",
         "advice on handling bad press", "an intro to a reporter covering startups",
         "help pitching a story to a newspaper"),
        ("Pitched my launch to a reporter", "Rewrote our announcement"),
        ("Communications", "PR", "Media"), "publicist",
    ),
    Skill(
        "sales", ("sales", "business-development"),
        ("Account Executive", "Sales Director", "Business Development Manager", "Sales Development Rep",
         "VP Sales", "Enterprise Account Manager", "Regional Sales Manager", "Head of Sales",
         "Partnerships Manager"),
        ("Closed the biggest deal in her company's history.", "Sells software to hospitals.",
         "Cold calls like a machine.", "Built the sales team from zero."),
        ("sales leads at mid-size logistics firms", "advice on a first sales hire",
         "someone to practice a sales pitch with", "an intro to an enterprise sales leader",
         "help pricing a B2B deal", "someone who sells to hospitals"),
        ("Sent me two sales leads", "Sat in on my pitch"),
        ("Sales", "Partners", "Commerce"), "salesperson",
    ),
    Skill(
        "customer-success", ("customer-success", "support"),
        ("Customer Success Manager", "Support Lead", "Client Services Manager",
         "Customer Experience Manager", "Implementation Specialist", "Head of Support",
         "Account Manager"),
        ("Built a support team from two people to forty.", "Obsessed with churn numbers.",
         "Knows every helpdesk tool out there.", "Onboards big clients."),
        ("someone who has built a support team", "advice on reducing churn",
         "help choosing a helpdesk tool", "advice on onboarding enterprise clients"),
        ("Shared their onboarding checklist", "Recommended a helpdesk tool"),
        ("Software", "Solutions", "Services"), "support person",
    ),
    Skill(
        "project", ("project-management", "operations", "agile"),
        ("Project Manager", "Program Manager", "Scrum Master", "Chief of Staff",
         "Operations Manager", "COO", "Business Operations Lead", "PMO Lead", "Delivery Manager"),
        ("Keeps a 40-person project on schedule.", "PMP certified.", "Runs the office like a clock.",
         "Loves a good Gantt chart."),
        ("someone who has run an agile team", "help organising a messy project plan",
         "advice on PMP certification", "someone to set up our operations as we grow",
         "advice on running a weekly planning meeting"),
        ("Shared a project plan template", "Helped me plan our office move"),
        ("Group", "Partners", "Solutions"), "project manager",
    ),
    Skill(
        "logistics", ("logistics", "supply-chain"),
        ("Supply Chain Analyst", "Logistics Coordinator", "Procurement Manager", "Warehouse Manager",
         "Freight Broker", "Buyer", "Sourcing Manager", "Import/Export Specialist", "Fleet Manager"),
        ("Moves containers from Shanghai to Chicago.", "Negotiates with suppliers all day.",
         "Runs a warehouse in Joliet.", "Knows customs paperwork cold."),
        ("someone who knows freight shipping to Mexico", "advice on finding a 3PL",
         "an intro to a procurement lead at a manufacturer", "help with customs for an import",
         "someone who can find a cheaper supplier"),
        ("Found me a freight quote", "Explained customs duties"),
        ("Logistics", "Freight", "Supply"), "logistics person",
    ),
    Skill(
        "investor", ("investor", "venture", "fundraising"),
        ("Venture Capitalist", "Investment Associate", "Principal", "Angel Investor",
         "Partner, Seed Fund", "Venture Partner", "Investor", "Associate, Venture Capital"),
        ("Writes first checks into fintech startups.", "Sits on six boards.",
         "Sees hundreds of pitch decks a year.", "Runs an angel group."),
        ("a warm intro to a fintech investor", "feedback on a pitch deck",
         "advice on raising a seed round", "someone who understands SAFE notes",
         "an intro to an angel investor", "someone to practice our fundraising pitch with"),
        ("Tore apart my pitch deck (kindly)", "Introduced me to two angels"),
        ("Ventures", "Capital", "Fund"), "investor",
    ),
    Skill(
        "corporate-finance", ("finance", "fpa"),
        ("Financial Analyst", "FP&A Manager", "CFO", "Treasury Analyst", "Finance Manager",
         "Director of Finance", "Corporate Development Associate", "VP Finance"),
        ("Builds financial models in her sleep.", "Runs budgeting at a hospital system.",
         "Former investment banker.", "Knows cap tables inside out."),
        ("help building a financial model", "someone who can read a cap table",
         "advice on a startup budget", "a fractional CFO for a seed-stage company",
         "help with a 3-statement model for a case interview"),
        ("Checked my financial model", "Explained our burn rate"),
        ("Capital", "Financial", "Bank"), "finance person",
    ),
    Skill(
        "personal-finance", ("financial-planning", "wealth"),
        ("Financial Planner", "Wealth Advisor", "Financial Advisor", "CFP",
         "Retirement Plan Consultant", "Private Banker"),
        ("Fee-only planner, no commissions.", "Helps teachers plan retirement.",
         "Talked me out of a bad annuity.", "Manages money for doctors."),
        ("advice on rolling over a 401(k)", "a fee-only financial planner",
         "someone to look at my retirement savings", "advice on an emergency fund after a layoff"),
        ("Looked at my 401(k) options", "Explained my stock options"),
        ("Wealth", "Financial", "Advisors"), "financial planner",
    ),
    Skill(
        "real-estate", ("real-estate", "housing"),
        ("Realtor", "Real Estate Agent", "Mortgage Broker", "Property Manager", "Leasing Agent",
         "Loan Officer", "Real Estate Broker", "Commercial Real Estate Associate"),
        ("Sold our condo in a weekend.", "Knows every landlord in Logan Square.",
         "Got us a great mortgage rate.", "Manages forty apartment buildings."),
        ("help finding an apartment in Logan Square", "a mortgage broker who is honest",
         "advice on buying a first condo", "someone who knows office space in the West Loop",
         "help with a landlord who will not return a deposit"),
        ("Found me an apartment", "Explained mortgage points"),
        ("Realty", "Properties", "Homes"), "realtor",
    ),
    Skill(
        "clinical", ("healthcare", "nursing", "medicine"),
        ("Nurse Practitioner", "Physician", "Registered Nurse", "Family Doctor", "Pediatrician",
         "Physician Assistant", "ER Nurse", "Internist"),
        ("Works nights at Northwestern Memorial.", "Family medicine, twenty years.",
         "Knows every good specialist in the city.", "Switched from nursing to teaching nurses."),
        ("someone who knows a good pediatrician", "an intro to a nurse about switching careers",
         "advice on getting into nursing school", "a doctor to talk through a health-tech idea",
         "someone clinical to test our patient app"),
        ("Recommended a specialist", "Talked me through a diagnosis"),
        ("Health", "Medical", "Clinic"), "doctor",
    ),
    Skill(
        "health-compliance", ("healthcare", "compliance", "hipaa"),
        ("Compliance Manager", "Healthcare Consultant", "Clinical Informatics Specialist",
         "Health IT Analyst", "Privacy Officer", "Regulatory Affairs Specialist"),
        ("Took a hospital through a HIPAA audit.", "Knows the EHR vendors well.",
         "Writes privacy policies for health apps.", "Handles FDA submissions."),
        ("someone who has done HIPAA compliance", "advice on EHR integrations",
         "help with a privacy policy for a health app", "advice on FDA rules for a medical device"),
        ("Reviewed our HIPAA checklist", "Explained Epic integrations"),
        ("Health", "Medical", "Compliance"), "compliance person",
    ),
    Skill(
        "education", ("education", "teaching", "tutoring"),
        ("Teacher", "Professor", "Instructional Designer", "Curriculum Developer", "Tutor",
         "Lecturer", "High School Math Teacher", "Learning Experience Designer", "Adjunct Faculty"),
        ("Teaches chemistry at Lane Tech.", "Builds online courses for a university.",
         "Tutors kids in math on weekends.", "Ran a coding bootcamp cohort."),
        ("a tutor for algebra", "advice on going back to school", "someone who writes online courses",
         "help designing a training workshop", "advice on teaching a night class"),
        ("Helped my kid with calculus", "Reviewed my workshop outline"),
        ("Academy", "Learning", "School"), "teacher",
    ),
    Skill(
        "nonprofit", ("nonprofit", "fundraising", "grants"),
        ("Development Director", "Grant Writer", "Program Director", "Fundraising Manager",
         "Executive Director", "Major Gifts Officer", "Volunteer Coordinator", "Development Associate"),
        ("Raised two million for a food bank.", "Writes grants that get funded.",
         "Runs a youth soccer charity.", "Knows every foundation in Illinois."),
        ("a mentor in nonprofit fundraising", "help writing a grant proposal",
         "advice on starting a 501(c)(3)", "someone who knows family foundations",
         "advice on a donor thank-you campaign"),
        ("Reviewed my grant draft", "Introduced me to a foundation officer"),
        ("Foundation", "Alliance", "Fund"), "fundraiser",
    ),
    Skill(
        "speaking-events", ("public-speaking", "events", "community"),
        ("Event Planner", "Community Manager", "Meetup Organizer", "Conference Producer",
         "Keynote Speaker", "Events Manager", "Developer Advocate", "Community Lead"),
        ("Organises the biggest tech meetup in town.", "Gives a talk somewhere every month.",
         "Ran a 2,000-person conference.", "Toastmasters champion."),
        ("a speaker for their meetup", "help planning a 200-person conference",
         "someone to coach me on a talk", "advice on running an online community",
         "a venue for a networking night"),
        ("Coached me before my talk", "Lent me their meetup mailing list"),
        ("Events", "Community", "Live"), "event planner",
    ),
    Skill(
        "coaching", ("coaching", "career", "mentor"),
        ("Career Coach", "Executive Coach", "Leadership Coach", "Resume Writer", "Career Counselor",
         "Interview Coach"),
        ("Helped forty people change careers last year.", "Rewrites resumes for executives.",
         "Coaches new managers.", "Runs mock interviews for bootcamp grads."),
        ("feedback on my resume", "someone to help me prepare for interviews",
         "a coach for a career change", "advice on my first 90 days as a manager"),
        ("Did a mock interview with me", "Rewrote my resume summary"),
        ("Coaching", "Careers", "Partners"), "career coach",
    ),
    Skill(
        "photo-video", ("photography", "video"),
        ("Photographer", "Videographer", "Video Producer", "Photo Editor", "Filmmaker",
         "Motion Designer", "Wedding Photographer"),
        ("Takes great headshots.", "Shot a documentary last year.", "Edits videos for YouTubers.",
         "Has a studio in Pilsen."),
        ("a headshot photographer", "someone to film a product demo", "help editing a short video",
         "photos for a restaurant menu", "a videographer for an event"),
        ("Took my LinkedIn headshot", "Cut a video for my launch"),
        ("Studios", "Media", "Pictures"), "photographer",
    ),
    Skill(
        "founder", ("startups", "founder", "entrepreneur"),
        ("Founder", "Co-founder & CEO", "Startup Founder", "Entrepreneur in Residence",
         "Serial Entrepreneur", "CEO", "Co-founder"),
        ("Sold her first startup last year.", "On his third company.", "Bootstrapped to a million in revenue.",
         "Mentors at the local accelerator."),
        ("advice from someone who has started a company", "a co-founder for a fintech idea",
         "advice on quitting my job to start something", "someone who has sold a startup",
         "help deciding between bootstrapping and raising"),
        ("Told me how they found their co-founder", "Shared their first board deck"),
        ("Labs", "Ventures", "Inc"), "founder",
    ),
    Skill(
        "translation", ("translation", "spanish", "languages"),
        ("Translator", "Interpreter", "Localization Manager", "Court Interpreter",
         "Spanish Translator", "Localization Specialist"),
        ("Translates legal documents English-Spanish.", "Interprets Mandarin at hospitals.",
         "Speaks five languages.", "Localized a game into Japanese."),
        ("someone to translate a contract into Spanish", "a Japanese interpreter for a meeting",
         "help localizing an app", "someone who speaks Polish for a client call"),
        ("Translated a letter for me", "Interpreted at my parents' appointment"),
        ("Language Services", "Translations", "Global"), "translator",
    ),
    # people nobody's need asks for: filler, so truth is not everyone
    Skill(
        "retail-service", ("retail", "hospitality"),
        ("Store Manager", "Barista", "Shift Supervisor", "Restaurant Manager", "Bartender",
         "Hotel Front Desk Manager"),
        ("Manages a coffee shop in Andersonville.", "Works weekend shifts."),
        (), (), ("Foods", "Retail", "Hospitality"), "barista", askable=False,
    ),
    Skill(
        "student", ("student", "alumni"),
        ("Student", "MBA Candidate", "PhD Student", "Graduate Student", "Intern"),
        ("Finishing a degree at DePaul.", "Looking for a first job."),
        (), (), ("University", "College"), "student", askable=False,
    ),
    Skill(
        "trades", ("trades", "diy"),
        ("Electrician", "Contractor", "Carpenter", "Plumber", "General Contractor", "HVAC Technician"),
        ("Renovated their own house.", "Can fix anything with a motor."),
        (), (), ("Builders", "Construction", "Works"), "plumber", askable=False,
    ),
)

SENIOR_PREFIXES: tuple[str, ...] = ("Senior ", "Sr. ", "Lead ", "Junior ", "Principal ", "Associate ")
TITLE_SUFFIXES: tuple[str, ...] = (" II", " III", ", Americas", " (contract)", " - Remote")
VAGUE_TITLES: tuple[str, ...] = (
    "Consultant", "Self-employed", "Advisor", "Partner", "Manager", "Analyst", "Owner",
    "Freelancer", "Independent Consultant", "Associate",
)
CONTEXT_TAGS: tuple[str, ...] = (
    "chicago", "alumni", "parents", "running", "cycling", "cooking", "jazz", "board-games",
    "volunteering", "book-club", "coffee", "soccer", "hiking", "northwestern", "linkedin",
)
# Tags that share a word with a skill but say nothing about it.
DECOY_TAGS: tuple[str, ...] = (
    "data-entry", "product-hunt", "design-thinking", "security-clearance", "machine-shop",
    "brand-ambassador", "content-creator", "growth-mindset", "people-person",
    "law-school-applicant", "speaker-building", "market-runner", "tax-free-weekend-shopper",
)
GENERIC_NOTES: tuple[str, ...] = (
    "Prefers email over calls.", "Has two kids; coaches Little League.",
    "Training for the Chicago marathon.", "Moving to Denver in the spring.",
    "Vegetarian; suggest somewhere near the office for lunch.", "Went to Purdue; big sports fan.",
    "Just came back from parental leave.", "Loves talking about the job market.",
    "Said to ping them again in a month.", "Big into board games.",
    "Met their partner at my birthday party.", "Always late, always worth it.",
)
DECOY_NOTES: tuple[str, ...] = (
    "Asked me whether I know a good {noun}.", "Looking for a {noun} for their startup.",
    "Their sister is a {noun}.", "Complained that their {noun} never calls back.",
    "Wants to hire a {noun} next quarter.", "Thinking about becoming a {noun} one day.",
)
GENERIC_FAVOURS: dict[str, tuple[str, ...]] = {
    "intro": ("Introduced me to someone at {org}", "Connected me with a former colleague"),
    "lead": ("Told me about an opening at {org}", "Sent me a lead"),
    "advice": ("Advice on the job search", "Reviewed my resume"),
    "referral": ("Referred me for a role at {org}", "Put my name forward"),
    "resource": ("Shared a list of hiring managers", "Sent me their interview notes"),
    "endorsement": ("Endorsed me on LinkedIn", "Was a reference for me"),
    "time": ("Spent an hour on my portfolio", "Helped me move"),
}
CONTEXT_NEED_TAGS: tuple[str, ...] = ("chicago", "startups", "urgent", "hiring", "side-project")
# fmt: on


@dataclass(frozen=True)
class EvalSet:
    """Profiles, needs, and for each need the people who truly could help."""

    seed: int
    split: str
    profiles: list[Profile]
    needs: list[NeedText]
    truth: list[frozenset[int]]  # person ids, per need
    need_skill: list[str]  # each need's hidden skill
    skills: dict[int, tuple[str, ...]]  # person id -> hidden skills

    def __len__(self) -> int:
        return len(self.needs)


def _half(items: tuple[str, ...], split: str) -> tuple[str, ...]:
    if split == "all" or len(items) < 2:
        return items
    start = 0 if split == "tune" else 1
    return items[start::2]


class _Gen:
    def __init__(self, seed: int, split: str) -> None:
        # Its own stream: "needs-eval" mixed into the seed, so seed 7 here is not
        # generate_network's seed 7.
        self.rng = np.random.default_rng([seed, 0x6E656564])
        self.split = split

    def pick(self, items: tuple[str, ...] | list[str]) -> str:
        return items[int(self.rng.integers(len(items)))]

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def h(self, items: tuple[str, ...]) -> tuple[str, ...]:
        return _half(items, self.split)

    def skill(self, skills: list[Skill]) -> Skill:
        return skills[int(self.rng.integers(len(skills)))]


def _company(g: _Gen, ending: str) -> str:
    return f"{g.pick(words.ORG_FIRST)} {ending}"


def _title(g: _Gen, skill: Skill) -> str:
    title = g.pick(g.h(skill.titles))
    if g.chance(0.3) and not title.startswith(("Senior", "Head", "VP", "Director", "Chief")):
        title = g.pick(SENIOR_PREFIXES) + title
    if g.chance(0.1):
        title += g.pick(TITLE_SUFFIXES)
    return title


def generate_needs_eval(
    seed: int = 1, *, people: int = 600, needs: int = 120, split: str = "all"
) -> EvalSet:
    """A labelled set: `people` profiles, `needs` needs, and who truly could help each.

    Only needs whose skill at least five people hold (besides the asker) are made,
    so precision@5 can reach 1.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    if people < 50:
        raise ValueError("people must be at least 50")
    g = _Gen(seed, split)
    rng = g.rng
    askable = [s for s in SKILLS if s.askable]
    filler = [s for s in SKILLS if not s.askable]
    # skill sizes: a few common (engineers, recruiters), most rarer
    weights = 1.0 / np.arange(1, len(askable) + 1) ** 0.35
    weights = weights[rng.permutation(len(askable))]
    weights = np.concatenate(
        [weights / weights.sum() * 0.88, np.full(len(filler), 0.12 / len(filler))]
    )
    everyone = [*askable, *filler]
    primary = rng.choice(len(everyone), size=people, p=weights)

    profiles: list[Profile] = []
    skills: dict[int, tuple[str, ...]] = {}
    first = rng.choice(len(words.FIRST_NAMES), size=people)
    last = rng.choice(len(words.LAST_NAMES), size=people)
    for i in range(people):
        pid = i + 1
        skill = everyone[int(primary[i])]
        held = [skill.key]
        # title: usually the skill's own, sometimes vague, sometimes missing
        r = rng.random()
        titles: tuple[str, ...]
        if r < 0.12:
            titles = ()
        elif r < 0.2:
            titles = (g.pick(VAGUE_TITLES),)
        else:
            titles = (_title(g, skill),)
        # a second skill: a career changer's earlier title, a tag or a note, or nothing at all
        past_titles: tuple[str, ...] = ()
        second: Skill | None = None
        if g.chance(0.15):
            second = g.skill(askable)
            if second.key != skill.key:
                held.append(second.key)
            else:
                second = None
        if second is not None and g.chance(0.35):
            past_titles = (_title(g, second),)
        elif g.chance(0.2) and skill.askable:
            past_titles = (_title(g, skill),)
        # employer: often in the skill's own industry, else anywhere (the decoys)
        if g.chance(0.1):
            companies: tuple[str, ...] = ()
        else:
            source = skill if g.chance(0.4) else g.skill(everyone)
            companies = (_company(g, g.pick(source.orgs)),)
        tags: list[str] = []
        if g.chance(0.4):
            tags.append(g.pick(skill.tags))
        if second is not None and g.chance(0.35):
            tags.append(g.pick(second.tags))
        for _ in range(int(rng.choice(3, p=[0.45, 0.4, 0.15]))):
            tags.append(g.pick(CONTEXT_TAGS))
        if g.chance(0.12):
            tags.append(g.pick(DECOY_TAGS))
        notes: list[str] = []
        if skill.notes and g.chance(0.3):
            notes.append(g.pick(g.h(skill.notes)))
        if second is not None and g.chance(0.3):
            notes.append(g.pick(g.h(second.notes)))
        if g.chance(0.3):
            notes.append(g.pick(GENERIC_NOTES))
        if g.chance(0.1):
            other = g.skill(askable)
            notes.append(g.pick(DECOY_NOTES).format(noun=other.noun))
        gave: dict[str, int] = {}
        favours: list[str] = []
        for _ in range(int(rng.poisson(0.5))):
            kind = FAVOR_KINDS[int(rng.integers(len(FAVOR_KINDS)))]
            gave[kind] = gave.get(kind, 0) + 1
            if skill.favours and g.chance(0.3):
                favours.append(g.pick(g.h(skill.favours)))
            else:
                text = g.pick(GENERIC_FAVOURS[kind])
                favours.append(text.format(org=_company(g, g.pick(g.skill(everyone).orgs))))
        profiles.append(
            Profile(
                id=pid,
                name=f"{words.FIRST_NAMES[first[i]]} {words.LAST_NAMES[last[i]]}",
                titles=titles,
                past_titles=past_titles,
                companies=companies,
                tags=tuple(dict.fromkeys(tags)),
                notes=tuple(notes),
                gave=gave,
                favours=tuple(favours),
            )
        )
        skills[pid] = tuple(held)

    holders: dict[str, set[int]] = {}
    for pid, keys in skills.items():
        for key in keys:
            holders.setdefault(key, set()).add(pid)
    # needs: a skill held by at least six people, asked by someone without it
    usable = [s for s in askable if len(holders.get(s.key, ())) >= 6 and g.h(s.needs)]
    if not usable:
        raise ValueError("no skill has enough holders; use more people")
    size = np.array([len(holders[s.key]) for s in usable], dtype=np.float64)
    need_p = np.sqrt(size) / np.sqrt(size).sum()  # common skills asked more, not overwhelmingly
    out_needs: list[NeedText] = []
    truth: list[frozenset[int]] = []
    need_skill: list[str] = []
    for _ in range(needs):
        skill = usable[int(rng.choice(len(usable), p=need_p))]
        asker = int(rng.integers(1, people + 1))
        while skill.key in skills[asker]:
            asker = int(rng.integers(1, people + 1))
        what = g.pick(g.h(skill.needs))
        if "{org}" in what:
            what = what.format(org=_company(g, g.pick(g.skill(everyone).orgs)))
        need_tags: list[str] = []
        if g.chance(0.45):
            need_tags.append(g.pick(skill.tags))
        if g.chance(0.2):
            need_tags.append(g.pick(CONTEXT_NEED_TAGS))
        out_needs.append(NeedText(what=what, tags=tuple(need_tags), person_id=asker))
        truth.append(frozenset(holders[skill.key] - {asker}))
        need_skill.append(skill.key)
    return EvalSet(seed, split, profiles, out_needs, truth, need_skill, skills)


# -- measures ---------------------------------------------------------------------------------


def precision_at(ranked: list[int], truth: frozenset[int], k: int = 5) -> float:
    """Share of the first k that truly could help (a short list counts its blanks as misses)."""
    return sum(1 for pid in ranked[:k] if pid in truth) / k


def recall_at(ranked: list[int], truth: frozenset[int], k: int = 5) -> float:
    """Share of the true helpers found in the first k (at most k / |truth|)."""
    return sum(1 for pid in ranked[:k] if pid in truth) / len(truth) if truth else 0.0


def reciprocal_rank(ranked: list[int], truth: frozenset[int], k: int = 10) -> float:
    for i, pid in enumerate(ranked[:k], 1):
        if pid in truth:
            return 1.0 / i
    return 0.0
