package cognito_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"touchaudit/internal/audit"
	"touchaudit/internal/awsclient"
	"touchaudit/internal/cognito"
	"touchaudit/internal/memstore"
	"touchaudit/internal/motoserver"
)

// newPool creates a user pool on the shared moto_server with what
// template.yaml declares: email as the user name, the immutable custom
// attributes staffId and companyId, and the groups.
func newPool(t *testing.T) (*cip.Client, string) {
	t.Helper()
	srv := motoserver.Shared(t)
	client := cip.NewFromConfig(awsclient.Lambda.Local(), func(o *cip.Options) { o.BaseEndpoint = aws.String(srv.Endpoint) })
	out, err := client.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{
		PoolName:           aws.String("touchaudit-" + t.Name()),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("staffId"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(false)},
			{Name: aws.String("companyId"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(false)},
		},
	})
	if err != nil {
		t.Fatalf("create user pool: %v", err)
	}
	pool := *out.UserPool.Id
	for _, g := range cognito.Groups {
		if _, err := client.CreateGroup(t.Context(), &cip.CreateGroupInput{UserPoolId: &pool, GroupName: aws.String(g)}); err != nil {
			t.Fatal(err)
		}
	}
	return client, pool
}

// poolUser is what the pool says about one user.
type poolUser struct {
	attrs   map[string]string
	enabled bool
	groups  []string
}

func users(t *testing.T, client *cip.Client, pool string) map[string]poolUser {
	t.Helper()
	all := map[string]poolUser{}
	var token *string
	for {
		out, err := client.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: &pool, PaginationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Users {
			pu := poolUser{attrs: map[string]string{}, enabled: u.Enabled}
			for _, a := range u.Attributes {
				pu.attrs[*a.Name] = aws.ToString(a.Value)
			}
			gs, err := client.AdminListGroupsForUser(t.Context(), &cip.AdminListGroupsForUserInput{UserPoolId: &pool, Username: u.Username})
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range gs.Groups {
				pu.groups = append(pu.groups, *g.GroupName)
			}
			slices.Sort(pu.groups)
			all[pu.attrs[cognito.AttrCompanyID]+"/"+pu.attrs[cognito.AttrStaffID]] = pu
		}
		if aws.ToString(out.PaginationToken) == "" {
			return all
		}
		token = out.PaginationToken
	}
}

func company(id string, staff ...audit.Staff) *audit.Company {
	return &audit.Company{ID: id, Staff: staff}
}

func TestDirectory_SyncCreatesUpdatesDisablesIdempotently(t *testing.T) {
	client, pool := newPool(t)
	ctx := context.Background()
	dir := cognito.New(client, pool, cognito.Options{})
	ewa := audit.Staff{ID: "s-1", Name: "Ewa Nowak", Email: "ewa@bank.example", Languages: []audit.Lang{audit.Polish}, Roles: []audit.Role{audit.RoleAuditor}}
	jan := audit.Staff{ID: "s-2", Name: "Jan Lis", Email: "jan@bank.example", Languages: []audit.Lang{audit.Polish}, Roles: []audit.Role{audit.RoleAuditor, audit.RoleLead}}
	ann := audit.Staff{ID: "s-3", Name: "Ann Smith", Email: "ann@bank.example", Languages: []audit.Lang{audit.English}, Roles: []audit.Role{audit.RoleLead}}
	noMail := audit.Staff{ID: "s-4", Name: "Bez Poczty", Languages: []audit.Lang{audit.Polish}, Roles: []audit.Role{audit.RoleAuditor}}
	other := audit.Staff{ID: "s-1", Name: "Other Company", Email: "ewa@other.example", Roles: []audit.Role{audit.RoleAuditor}}
	if _, err := dir.SyncStaff(ctx, company("other-co", other)); err != nil {
		t.Fatal(err)
	}

	t.Run("first sync creates", func(t *testing.T) {
		sum, err := dir.SyncStaff(ctx, company("bank", ewa, jan, ann, noMail))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created != 3 || sum.Updated != 0 || sum.Disabled != 0 || !slices.Equal(sum.Skipped, []string{"s-4"}) {
			t.Fatalf("summary %+v, want 3 created and s-4 skipped", sum)
		}
		got := users(t, client, pool)
		jan := got["bank/s-2"]
		if jan.attrs["email"] != "jan@bank.example" || jan.attrs["name"] != "Jan Lis" || !jan.enabled || !slices.Equal(jan.groups, []string{"auditor", "lead"}) {
			t.Fatalf("jan: %+v", jan)
		}
		if g := got["bank/s-3"].groups; !slices.Equal(g, []string{"lead"}) {
			t.Fatalf("ann's groups %v, want [lead]", g)
		}
	})

	t.Run("second sync changes nothing", func(t *testing.T) {
		sum, err := dir.SyncStaff(ctx, company("bank", ewa, jan, ann, noMail))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created+sum.Updated+sum.Disabled+sum.Enabled != 0 || sum.Unchanged != 3 {
			t.Fatalf("summary %+v, want 3 unchanged", sum)
		}
	})

	t.Run("changes and leavers", func(t *testing.T) {
		jan2 := jan
		jan2.Email, jan2.Roles = "jan.lis@bank.example", []audit.Role{audit.RoleLead}
		sum, err := dir.SyncStaff(ctx, company("bank", ewa, jan2))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Updated != 1 || sum.Disabled != 1 || sum.Unchanged != 1 || sum.Created != 0 {
			t.Fatalf("summary %+v, want 1 updated, 1 disabled, 1 unchanged", sum)
		}
		got := users(t, client, pool)
		if j := got["bank/s-2"]; j.attrs["email"] != "jan.lis@bank.example" || !slices.Equal(j.groups, []string{"lead"}) {
			t.Fatalf("jan after the change: %+v", j)
		}
		if got["bank/s-3"].enabled {
			t.Fatal("ann left the company but her user is enabled")
		}
		if o := got["other-co/s-1"]; !o.enabled || o.attrs["email"] != "ewa@other.example" {
			t.Fatalf("the other company's user was touched: %+v", o)
		}
	})

	t.Run("a returning member is enabled again", func(t *testing.T) {
		sum, err := dir.SyncStaff(ctx, company("bank", ewa, jan, ann))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Enabled != 1 || sum.Updated != 1 || sum.Unchanged != 1 {
			t.Fatalf("summary %+v, want ann enabled, jan updated back, ewa unchanged", sum)
		}
		if !users(t, client, pool)["bank/s-3"].enabled {
			t.Fatal("ann is still disabled")
		}
	})
}

func TestDirectory_EmailOfAnotherUserIsAConflict(t *testing.T) {
	client, pool := newPool(t)
	dir := cognito.New(client, pool, cognito.Options{})
	taken := audit.Staff{ID: "x-1", Name: "Taken", Email: "shared@example.com", Roles: []audit.Role{audit.RoleAuditor}}
	if _, err := dir.SyncStaff(t.Context(), company("first", taken)); err != nil {
		t.Fatal(err)
	}
	mine := audit.Staff{ID: "s-9", Name: "Mine", Email: "shared@example.com", Roles: []audit.Role{audit.RoleAuditor}}
	fine := audit.Staff{ID: "s-8", Name: "Fine", Email: "fine@example.com", Roles: []audit.Role{audit.RoleAuditor}}
	sum, err := dir.SyncStaff(t.Context(), company("second", mine, fine))
	if !audit.IsCode(err, audit.Conflict) {
		t.Fatalf("err %v, want a conflict", err)
	}
	if sum.Created != 1 {
		t.Fatalf("summary %+v: the other member must still be created", sum)
	}
}

func TestImport_CreatesCognitoUsersForTheSampleBank(t *testing.T) {
	client, pool := newPool(t)
	c, err := audit.LoadCompanyDir("../../testdata/company")
	if err != nil {
		t.Fatal(err)
	}
	svc := audit.NewCompanyService(memstore.New()).WithDirectory(cognito.New(client, pool, cognito.Options{}))
	sum, err := svc.Import(t.Context(), *c)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Directory == nil || sum.Directory.Created != 158 {
		t.Fatalf("directory summary %+v, want 158 created", sum.Directory)
	}
	got := users(t, client, pool)
	if len(got) != 158 {
		t.Fatalf("%d users in the pool, want 158", len(got))
	}
	danuta := got["bank-pl/s-001"]
	if danuta.attrs["email"] != "danuta.sokolowska@bank-przykladowy.pl" || !slices.Equal(danuta.groups, []string{"auditor", "lead"}) {
		t.Fatalf("s-001: %+v", danuta)
	}
	again, err := svc.Import(t.Context(), *c)
	if err != nil {
		t.Fatal(err)
	}
	if d := again.Directory; d.Unchanged != 158 || d.Created+d.Updated+d.Disabled+d.Enabled != 0 {
		t.Fatalf("a retried import changed the pool: %+v", d)
	}
}

// lostAnswer is the pool with one create's answer lost: the first attempt
// reaches Cognito and creates the user, and the SDK's retry (after an
// attempt timeout) gets UsernameExistsException, as it does under load.
type lostAnswer struct {
	*cip.Client
	lost map[string]bool // user names whose first create answer is lost
}

func (l lostAnswer) AdminCreateUser(ctx context.Context, in *cip.AdminCreateUserInput, opts ...func(*cip.Options)) (*cip.AdminCreateUserOutput, error) {
	if l.lost[aws.ToString(in.Username)] {
		delete(l.lost, aws.ToString(in.Username))
		if _, err := l.Client.AdminCreateUser(ctx, in, opts...); err != nil {
			return nil, err
		}
	}
	return l.Client.AdminCreateUser(ctx, in, opts...)
}

func TestDirectory_ACreateRetriedAfterALostAnswerIsNoConflict(t *testing.T) {
	client, pool := newPool(t)
	dir := cognito.New(lostAnswer{Client: client, lost: map[string]bool{"jan@bank.example": true}}, pool, cognito.Options{})
	jan := audit.Staff{ID: "s-2", Name: "Jan Lis", Email: "jan@bank.example", Roles: []audit.Role{audit.RoleAuditor, audit.RoleLead}}
	sum, err := dir.SyncStaff(t.Context(), company("bank", jan))
	if err != nil {
		t.Fatalf("a retried create is reported as %v", err)
	}
	if sum.Created != 1 {
		t.Fatalf("summary %+v, want 1 created", sum)
	}
	if g := users(t, client, pool)["bank/s-2"].groups; !slices.Equal(g, []string{"auditor", "lead"}) {
		t.Fatalf("jan's groups %v, want [auditor lead]", g)
	}
}
