// Package cognito keeps the Cognito user pool where auditors and leads sign
// in in step with a company's configuration: Directory.SyncStaff creates a
// user for each member of staff with an email address (custom:staffId,
// custom:companyId, one group per role), updates what changed, and disables
// the company's users who are no longer listed. It is audit.StaffDirectory
// for the import-company function and PUT /api/company.
//
// Users of other companies in the same pool are never touched: a user
// belongs to the company of its custom:companyId. A second sync of the same
// configuration makes no write.
package cognito

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"touchaudit/internal/audit"
)

// API is the part of the Cognito user pools client the directory uses;
// *cognitoidentityprovider.Client satisfies it.
type API interface {
	ListUsers(context.Context, *cip.ListUsersInput, ...func(*cip.Options)) (*cip.ListUsersOutput, error)
	AdminCreateUser(context.Context, *cip.AdminCreateUserInput, ...func(*cip.Options)) (*cip.AdminCreateUserOutput, error)
	AdminUpdateUserAttributes(context.Context, *cip.AdminUpdateUserAttributesInput, ...func(*cip.Options)) (*cip.AdminUpdateUserAttributesOutput, error)
	AdminEnableUser(context.Context, *cip.AdminEnableUserInput, ...func(*cip.Options)) (*cip.AdminEnableUserOutput, error)
	AdminDisableUser(context.Context, *cip.AdminDisableUserInput, ...func(*cip.Options)) (*cip.AdminDisableUserOutput, error)
	AdminListGroupsForUser(context.Context, *cip.AdminListGroupsForUserInput, ...func(*cip.Options)) (*cip.AdminListGroupsForUserOutput, error)
	AdminAddUserToGroup(context.Context, *cip.AdminAddUserToGroupInput, ...func(*cip.Options)) (*cip.AdminAddUserToGroupOutput, error)
	AdminRemoveUserFromGroup(context.Context, *cip.AdminRemoveUserFromGroupInput, ...func(*cip.Options)) (*cip.AdminRemoveUserFromGroupOutput, error)
}

var _ API = (*cip.Client)(nil)

// Attribute names; template.yaml declares the custom ones in the pool's
// Schema (immutable: set once, at creation).
const (
	AttrStaffID   = "custom:staffId"
	AttrCompanyID = "custom:companyId"
	attrEmail     = "email"
	attrVerified  = "email_verified"
	attrName      = "name"
)

// Groups are the pool's groups the directory manages (template.yaml
// declares them): a user is in the group of each of their roles and in no
// other of these. Groups not listed here are left alone.
var Groups = []string{"auditor", "lead", "manager"}

// listPageSize is ListUsers' maximum page (Cognito API reference: Limit 1–60).
const listPageSize = 60

// Options configure a Directory.
type Options struct {
	// Invite makes Cognito email each new user a temporary password; by
	// default the invitation is suppressed (the users are told another way,
	// or sign in with a federated identity).
	Invite bool
}

// Directory syncs staff to one user pool.
type Directory struct {
	client API
	poolID string
	invite bool
}

var _ audit.StaffDirectory = (*Directory)(nil)

// New returns the directory of the user pool poolID.
func New(client API, poolID string, o Options) *Directory {
	return &Directory{client: client, poolID: poolID, invite: o.Invite}
}

// user is a pool user of the company being synced.
type user struct {
	username string
	staffID  string
	email    string
	name     string
	enabled  bool
}

// SyncStaff makes the pool's users of c match c.Staff (see the package
// comment). An email address already used by a user outside the company
// is a conflict naming the member of staff; nothing else is stopped by it.
func (d *Directory) SyncStaff(ctx context.Context, c *audit.Company) (audit.StaffSync, error) {
	var sum audit.StaffSync
	users, err := d.companyUsers(ctx, c.ID)
	if err != nil {
		return sum, err
	}
	listed := map[string]bool{}
	var conflicts []error
	for _, st := range c.Staff {
		if st.Email == "" {
			sum.Skipped = append(sum.Skipped, st.ID)
			continue
		}
		listed[st.ID] = true
		u, ok := users[st.ID]
		if !ok {
			if err := d.create(ctx, c.ID, st); err != nil {
				var exists *types.UsernameExistsException
				if !errors.As(err, &exists) {
					return sum, err
				}
				// The SDK retries a call whose answer was lost (an attempt
				// timeout): the first attempt may have created the user,
				// and the retry finds it. That user is this member's, not
				// a conflict.
				mine, err := d.ownedBy(ctx, st.Email, c.ID, st.ID)
				if err != nil {
					return sum, err
				}
				if mine == "" {
					conflicts = append(conflicts, fmt.Errorf("staff %s: email %s belongs to another user of the pool", st.ID, st.Email))
					continue
				}
				if _, err := d.syncGroups(ctx, mine, st); err != nil {
					return sum, err
				}
			}
			sum.Created++
			continue
		}
		changed, err := d.update(ctx, u, st)
		if err != nil {
			return sum, err
		}
		if !u.enabled {
			if _, err := d.client.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: &d.poolID, Username: &u.username}); err != nil {
				return sum, fmt.Errorf("cognito: enable %s: %w", st.ID, err)
			}
			sum.Enabled++
		}
		switch {
		case changed:
			sum.Updated++
		case u.enabled:
			sum.Unchanged++
		}
	}
	for _, u := range users {
		if listed[u.staffID] || !u.enabled {
			continue
		}
		if _, err := d.client.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &d.poolID, Username: &u.username}); err != nil {
			return sum, fmt.Errorf("cognito: disable %s: %w", u.staffID, err)
		}
		sum.Disabled++
	}
	if len(conflicts) > 0 {
		return sum, &audit.Error{Code: audit.Conflict, Message: errors.Join(conflicts...).Error()}
	}
	return sum, nil
}

// companyUsers lists the pool's users of the company by staff id. ListUsers
// cannot filter on custom attributes (Cognito API reference: only standard
// attributes), so every page is read and filtered here.
func (d *Directory) companyUsers(ctx context.Context, companyID string) (map[string]user, error) {
	users := map[string]user{}
	var token *string
	for {
		out, err := d.client.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &d.poolID, Limit: aws.Int32(listPageSize), PaginationToken: token})
		if err != nil {
			return nil, fmt.Errorf("cognito: list users: %w", err)
		}
		for _, u := range out.Users {
			attrs := map[string]string{}
			for _, a := range u.Attributes {
				attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
			}
			if attrs[AttrCompanyID] != companyID || attrs[AttrStaffID] == "" {
				continue
			}
			users[attrs[AttrStaffID]] = user{username: aws.ToString(u.Username), staffID: attrs[AttrStaffID],
				email: attrs[attrEmail], name: attrs[attrName], enabled: u.Enabled}
		}
		if aws.ToString(out.PaginationToken) == "" {
			return users, nil
		}
		token = out.PaginationToken
	}
}

func (d *Directory) create(ctx context.Context, companyID string, st audit.Staff) error {
	in := &cip.AdminCreateUserInput{
		UserPoolId: &d.poolID,
		Username:   aws.String(st.Email),
		UserAttributes: []types.AttributeType{
			attr(attrEmail, st.Email), attr(attrVerified, "true"), attr(attrName, st.Name),
			attr(AttrStaffID, st.ID), attr(AttrCompanyID, companyID),
		},
	}
	if !d.invite {
		in.MessageAction = types.MessageActionTypeSuppress
	} else {
		in.DesiredDeliveryMediums = []types.DeliveryMediumType{types.DeliveryMediumTypeEmail}
	}
	out, err := d.client.AdminCreateUser(ctx, in)
	if err != nil {
		return fmt.Errorf("cognito: create %s: %w", st.ID, err)
	}
	username := st.Email
	if out.User != nil && out.User.Username != nil {
		username = *out.User.Username
	}
	_, err = d.syncGroups(ctx, username, st)
	return err
}

// ownedBy returns the user name of the pool's user with this email when it
// is the member staffID of companyID, else "".
func (d *Directory) ownedBy(ctx context.Context, email, companyID, staffID string) (string, error) {
	filter := `email = "` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(email) + `"`
	out, err := d.client.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &d.poolID, Filter: &filter})
	if err != nil {
		return "", fmt.Errorf("cognito: find %s: %w", staffID, err)
	}
	for _, u := range out.Users {
		attrs := map[string]string{}
		for _, a := range u.Attributes {
			attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
		}
		if attrs[AttrCompanyID] == companyID && attrs[AttrStaffID] == staffID {
			return aws.ToString(u.Username), nil
		}
	}
	return "", nil
}

// update changes a user's email, name and groups to the staff record's.
func (d *Directory) update(ctx context.Context, u user, st audit.Staff) (bool, error) {
	var attrs []types.AttributeType
	if u.email != st.Email {
		attrs = append(attrs, attr(attrEmail, st.Email), attr(attrVerified, "true"))
	}
	if u.name != st.Name {
		attrs = append(attrs, attr(attrName, st.Name))
	}
	if len(attrs) > 0 {
		if _, err := d.client.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &d.poolID, Username: &u.username, UserAttributes: attrs}); err != nil {
			return false, fmt.Errorf("cognito: update %s: %w", st.ID, err)
		}
	}
	moved, err := d.syncGroups(ctx, u.username, st)
	return len(attrs) > 0 || moved, err
}

// syncGroups puts the user in the managed groups of its roles and takes it
// out of the others; it reports whether anything changed.
func (d *Directory) syncGroups(ctx context.Context, username string, st audit.Staff) (bool, error) {
	want := map[string]bool{}
	for _, r := range st.Roles {
		if slices.Contains(Groups, string(r)) {
			want[string(r)] = true
		}
	}
	have := map[string]bool{}
	var token *string
	for {
		out, err := d.client.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &d.poolID, Username: &username, NextToken: token})
		if err != nil {
			return false, fmt.Errorf("cognito: groups of %s: %w", st.ID, err)
		}
		for _, g := range out.Groups {
			have[aws.ToString(g.GroupName)] = true
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		token = out.NextToken
	}
	changed := false
	for _, g := range Groups {
		switch {
		case want[g] && !have[g]:
			if _, err := d.client.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &d.poolID, Username: &username, GroupName: aws.String(g)}); err != nil {
				return changed, fmt.Errorf("cognito: add %s to %s: %w", st.ID, g, err)
			}
			changed = true
		case !want[g] && have[g]:
			if _, err := d.client.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: &d.poolID, Username: &username, GroupName: aws.String(g)}); err != nil {
				return changed, fmt.Errorf("cognito: remove %s from %s: %w", st.ID, g, err)
			}
			changed = true
		}
	}
	return changed, nil
}

func attr(name, value string) types.AttributeType {
	return types.AttributeType{Name: aws.String(name), Value: aws.String(value)}
}
